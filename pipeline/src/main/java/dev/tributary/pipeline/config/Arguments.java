package dev.tributary.pipeline.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job's command line: {@code [--help] [--config settings.properties] [--key value ...]}. Later sources
 * win: defaults, then the file, then each {@code --key value}.
 */
public record Arguments(boolean help, Map<String, String> values) {

    public static Arguments parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--config")) {
                values.putAll(readProperties(Path.of(valueAfter(args, i++))));
            } else if (arg.startsWith("--")) {
                String key = arg.substring(2);
                int eq = key.indexOf('=');
                if (eq > 0) {
                    overrides.put(key.substring(0, eq), key.substring(eq + 1));
                } else {
                    overrides.put(key, valueAfter(args, i++));
                }
            } else {
                throw new InvalidSettingsException(List.of("unexpected argument '" + arg
                        + "': settings are given as --key value (or --config <file>)"));
            }
        }
        values.putAll(overrides);
        return new Arguments(help, values);
    }

    private static String valueAfter(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new InvalidSettingsException(List.of("argument " + args[i] + " needs a value"));
        }
        return args[i + 1];
    }

    private static Map<String, String> readProperties(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidSettingsException(List.of("--config " + file + ": no such file"));
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(reader);
        } catch (IOException e) {
            throw new InvalidSettingsException(List.of("--config " + file + ": cannot read it: " + e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        props.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, props.getProperty(k).trim()));
        return values;
    }
}
