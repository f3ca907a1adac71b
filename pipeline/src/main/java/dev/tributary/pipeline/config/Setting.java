package dev.tributary.pipeline.config;

import java.util.Objects;

/**
 * One job setting: its key, type, default and meaning. All settings are declared in {@link JobSettings}, which
 * is the one place configuration is typed and validated.
 *
 * @param key        the property key, e.g. {@code kafka.bootstrap-servers}
 * @param parser     turns the text value into T, or explains in one sentence why it cannot
 * @param defaultText the default as text (parsed like a user value), or null when the setting is required
 * @param description one line for {@code --help}
 * @param secret     a secret's value is never printed (help, logs, errors, job configuration)
 */
public record Setting<T>(String key, ValueParser<T> parser, String defaultText, String description, boolean secret) {

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(description, "description");
    }

    public static <T> Setting<T> of(String key, ValueParser<T> parser, String defaultText, String description) {
        return new Setting<>(key, parser, defaultText, description, false);
    }

    public static <T> Setting<T> required(String key, ValueParser<T> parser, String description) {
        return new Setting<>(key, parser, null, description, false);
    }

    public static Setting<String> secret(String key, String description) {
        return new Setting<>(key, ValueParser.text(), "", description, true);
    }

    public boolean isRequired() {
        return defaultText == null;
    }

    /** How a text value becomes a typed one; throws {@link IllegalArgumentException} with the problem. */
    @FunctionalInterface
    public interface ValueParser<T> {
        T parse(String text);

        static ValueParser<String> text() {
            return s -> s;
        }
    }
}
