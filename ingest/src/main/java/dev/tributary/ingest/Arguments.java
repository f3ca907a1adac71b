package dev.tributary.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} arguments of the ingestion services, with the repeatable {@code --topic <type>=<topic>}
 * collected apart. Anything else is an error that names the argument and lists the known ones.
 *
 * @param values the named values
 * @param topics input topic per event type, from {@code --topic}
 */
record Arguments(Map<String, String> values, Map<String, String> topics) {

    static Arguments parse(String[] args, List<String> names) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> topics = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !(names.contains(name) || name.equals("topic")) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete argument '" + args[i] + "'; known: --"
                        + String.join(", --", names) + " (each with a value), --topic <type>=<topic>");
            }
            String value = args[++i];
            if (name.equals("topic")) {
                String[] pair = value.split("=", 2);
                if (pair.length != 2 || pair[0].isBlank() || pair[1].isBlank()) {
                    throw new IllegalArgumentException("--topic takes <type>=<topic>, e.g. hoverboard=telemetry.hoverboard, not '"
                            + value + "'");
                }
                topics.put(pair[0], pair[1]);
            } else {
                values.put(name, value);
            }
        }
        return new Arguments(Map.copyOf(values), Map.copyOf(topics));
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** The named value as an integer, or the fallback; an error naming the argument when it is not one. */
    int integer(String name, int fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return integer("--" + name, value);
    }

    static int integer(String label, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be an integer, not '" + value + "'");
        }
    }
}
