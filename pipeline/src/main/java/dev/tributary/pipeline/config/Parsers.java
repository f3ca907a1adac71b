package dev.tributary.pipeline.config;

import dev.tributary.pipeline.config.Setting.ValueParser;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for setting values. Each failure message says what was expected, so the user can fix it. */
final class Parsers {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|min|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}");

    private Parsers() {}

    static ValueParser<Integer> positiveInt() {
        return s -> {
            try {
                int v = Integer.parseInt(s.trim());
                if (v <= 0) {
                    throw new IllegalArgumentException("must be a positive whole number, got " + s);
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a positive whole number, got '" + s + "'");
            }
        };
    }

    /** A finite decimal number such as {@code 15}, {@code 62.5} or {@code -10}. */
    static ValueParser<Double> decimal() {
        return s -> {
            try {
                double v = Double.parseDouble(s.trim());
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("must be a finite number, got '" + s + "'");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number such as 15 or 62.5, got '" + s + "'");
            }
        };
    }

    static ValueParser<Boolean> bool() {
        return s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException("must be true or false, got '" + s + "'");
        };
    }

    /** Durations like {@code 500ms}, {@code 30s}, {@code 2min}, {@code 1h}. */
    static ValueParser<Duration> duration() {
        return s -> {
            Matcher m = DURATION.matcher(s.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 2min or 1h, got '" + s + "'");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "min", "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (d.isZero()) {
                throw new IllegalArgumentException("must be longer than zero, got '" + s + "'");
            }
            return d;
        };
    }

    /** Byte sizes like {@code 1048576}, {@code 64kb}, {@code 10mb}. */
    static ValueParser<Long> bytes() {
        return s -> {
            Matcher m = SIZE.matcher(s.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("must be a size such as 65536, 64kb or 10mb, got '" + s + "'");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
            long v = switch (unit) {
                case "kb" -> n * 1024;
                case "mb" -> n * 1024 * 1024;
                case "gb" -> n * 1024 * 1024 * 1024;
                default -> n;
            };
            if (v <= 0) {
                throw new IllegalArgumentException("must be larger than zero, got '" + s + "'");
            }
            return v;
        };
    }

    /** Comma-separated list; blanks are dropped. */
    static ValueParser<List<String>> list() {
        return s -> Arrays.stream(s.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** Comma-separated {@code host:port} pairs (Kafka bootstrap servers). */
    static ValueParser<List<String>> hostPorts() {
        return s -> {
            List<String> values = list().parse(s);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("must name at least one host:port, e.g. 127.0.0.1:9092");
            }
            for (String v : values) {
                if (!HOST_PORT.matcher(v).matches()) {
                    throw new IllegalArgumentException("'" + v + "' is not host:port (e.g. broker-1:9092)");
                }
                int port = Integer.parseInt(v.substring(v.lastIndexOf(':') + 1));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("'" + v + "' has a port outside 1-65535");
                }
            }
            return values;
        };
    }

    /** A Kafka topic name: 1-249 of [a-zA-Z0-9._-]. */
    static ValueParser<String> topicName() {
        return s -> {
            String t = s.trim();
            if (!t.matches("[a-zA-Z0-9._\\-]{1,249}")) {
                throw new IllegalArgumentException("must be a Kafka topic name (letters, digits, '.', '_', '-'), got '" + s + "'");
            }
            return t;
        };
    }

    /** Zero or more comma-separated Kafka topic names (empty: an input that is not read). */
    static ValueParser<List<String>> optionalTopicNames() {
        return s -> list().parse(s).stream().map(t -> topicName().parse(t)).toList();
    }

    /** One or more comma-separated Kafka topic names. */
    static ValueParser<List<String>> topicNames() {
        return s -> {
            List<String> topics = optionalTopicNames().parse(s);
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("must name at least one topic");
            }
            return topics;
        };
    }

    /** A JDBC URL of a warehouse Tributary can write to. */
    private static final java.util.regex.Pattern PASSWORD_PARAMETER =
            java.util.regex.Pattern.compile("(?i)[?&;]password=");

    static ValueParser<String> jdbcUrl() {
        return s -> {
            String url = s.trim();
            // checked first, and the URL is not echoed: it is shown in logs and the web UI's job configuration
            if (PASSWORD_PARAMETER.matcher(url).find()) {
                throw new IllegalArgumentException("carries a password parameter: remove it from the URL and give"
                        + " warehouse.password=${env:NAME} (URL parameters like ssl=true&sslmode=verify-full stay)");
            }
            if (!url.startsWith("jdbc:postgresql://") && !url.startsWith("jdbc:redshift://")) {
                throw new IllegalArgumentException("must start with jdbc:redshift:// or jdbc:postgresql://, got '" + s + "'");
            }
            return url;
        };
    }

    /** An absolute http(s) URL. */
    static ValueParser<URI> httpUrl() {
        return s -> {
            URI uri;
            try {
                uri = URI.create(s.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not a URL: " + e.getMessage());
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("must not carry credentials (user:password@host): give the names of"
                        + " the environment variables holding them in search.username-env and search.password-env");
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("must be an http:// or https:// URL with a host, got '" + s + "'");
            }
            return uri;
        };
    }

    /** A directory URI of a Flink filesystem: {@code s3://bucket/prefix} or {@code file:///absolute/path}. */
    static ValueParser<URI> fileSystemUri() {
        return s -> {
            URI uri;
            try {
                uri = URI.create(s.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("is not a URI: " + e.getMessage());
            }
            boolean s3 = ("s3".equals(uri.getScheme()) || "s3a".equals(uri.getScheme())) && uri.getHost() != null;
            boolean file = "file".equals(uri.getScheme()) && uri.getPath() != null && uri.getPath().startsWith("/");
            if (!s3 && !file) {
                throw new IllegalArgumentException("must be s3://bucket/prefix or file:///absolute/path, got '" + s + "'");
            }
            return uri;
        };
    }

    /** One or more values of an enum, comma-separated, case-insensitive. */
    static <E extends Enum<E>> ValueParser<Set<E>> enumSet(Class<E> type) {
        return s -> {
            EnumSet<E> set = EnumSet.noneOf(type);
            for (String v : list().parse(s)) {
                set.add(oneOf(type).parse(v));
            }
            return set;
        };
    }

    static <E extends Enum<E>> ValueParser<E> oneOf(Class<E> type) {
        return s -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim().replace('-', '_'))) {
                    return e;
                }
            }
            throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList() + ", got '" + s + "'");
        };
    }

    /** Text appended to a search index name: empty, or lowercase letters, digits, '-', '_' and '.'. */
    static ValueParser<String> indexSuffix() {
        return s -> {
            String t = s.trim();
            if (!t.matches("[a-z0-9._\\-]{0,100}")) {
                throw new IllegalArgumentException("must be empty or lowercase letters, digits, '.', '_', '-' (search"
                        + " index names are lowercase), got '" + s + "'");
            }
            return t;
        };
    }

    /** {@code s3://bucket} or {@code file:///absolute/directory}. */
    static ValueParser<String> objectStoreUrl() {
        return s -> {
            String v = s.trim();
            if (v.matches("s3://[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]/?") || v.matches("file:///.*")) {
                return v;
            }
            throw new IllegalArgumentException("must be s3://bucket or file:///directory, got '" + s + "'");
        };
    }
}
