package dev.tributary.query;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the query API. Connection settings and credentials come from the environment only (the password is
 * never printed); the port, bind address and index names may also be given as {@code --name value} arguments.
 *
 * @param pgUser     a read-only role (bin/stack creates {@code tributary_reader}; see docs/query-api.md for Redshift)
 * @param timeout    per warehouse statement and per search request
 */
public record QuerySettings(String host, int port, String pgUrl, String pgUser, String pgPassword, String esUrl,
                            String devicesIndex, String catalogIndex, Duration timeout, String kafkaBootstrap,
                            String deadLetterTopic) {

    public static final int DEFAULT_PORT = 8090;
    public static final String DEFAULT_KAFKA = "127.0.0.1:9092";
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "pipeline.dead-letter";

    /** With the local stack's Kafka and the job's default dead-letter topic. */
    public QuerySettings(String host, int port, String pgUrl, String pgUser, String pgPassword, String esUrl,
                         String devicesIndex, String catalogIndex, Duration timeout) {
        this(host, port, pgUrl, pgUser, pgPassword, esUrl, devicesIndex, catalogIndex, timeout, DEFAULT_KAFKA,
                DEFAULT_DEAD_LETTER_TOPIC);
    }

    /** The same settings reading dead letters from this Kafka topic. */
    public QuerySettings withKafka(String bootstrap, String topic) {
        return new QuerySettings(host, port, pgUrl, pgUser, pgPassword, esUrl, devicesIndex, catalogIndex, timeout,
                bootstrap, topic);
    }

    public QuerySettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
        }
        if (pgPassword == null || pgPassword.isEmpty()) {
            throw new IllegalArgumentException("TRIBUTARY_PG_READER_PASSWORD is not set (the read-only role's password;"
                    + " bin/stack up creates the role and writes it to .stack/env)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    @Override
    public String toString() {
        return "QuerySettings[host=" + host + ", port=" + port + ", pgUrl=" + pgUrl + ", pgUser=" + pgUser
                + ", esUrl=" + esUrl + ", devicesIndex=" + devicesIndex + ", catalogIndex=" + catalogIndex
                + ", timeout=" + timeout + ", kafka=" + kafkaBootstrap + ", deadLetterTopic=" + deadLetterTopic + "]";
    }

    /**
     * From the environment, overridden by {@code --host --port --devices-index --catalog-index --timeout-seconds
     * --dead-letter-topic}.
     */
    public static QuerySettings from(Map<String, String> env, String[] args) {
        Map<String, String> a = Arguments.parse(args, "host", "port", "devices-index", "catalog-index", "timeout-seconds",
                "dead-letter-topic");
        return new QuerySettings(
                a.getOrDefault("host", env.getOrDefault("TRIBUTARY_QUERY_HOST", "127.0.0.1")),
                Arguments.integer("port", a.getOrDefault("port", env.getOrDefault("TRIBUTARY_QUERY_PORT", "" + DEFAULT_PORT))),
                env.getOrDefault("TRIBUTARY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/tributary"),
                env.getOrDefault("TRIBUTARY_PG_READER_USER", "tributary_reader"),
                env.get("TRIBUTARY_PG_READER_PASSWORD"),
                env.getOrDefault("TRIBUTARY_ES_URL", "http://127.0.0.1:9200"),
                a.getOrDefault("devices-index", "devices"),
                a.getOrDefault("catalog-index", "catalog"),
                Duration.ofSeconds(Arguments.integer("timeout-seconds", a.getOrDefault("timeout-seconds", "10"))),
                env.getOrDefault("TRIBUTARY_KAFKA_BOOTSTRAP", DEFAULT_KAFKA),
                a.getOrDefault("dead-letter-topic", DEFAULT_DEAD_LETTER_TOPIC));
    }

    /** {@code --name value} pairs; anything else is an error that names the argument. */
    static final class Arguments {
        private Arguments() {}

        static Map<String, String> parse(String[] args, String... names) {
            Map<String, String> out = new java.util.HashMap<>();
            java.util.Set<String> known = java.util.Set.of(names);
            for (int i = 0; i < args.length; i++) {
                String name = args[i].startsWith("--") ? args[i].substring(2) : null;
                if (name == null || !known.contains(name) || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown or incomplete argument '" + args[i]
                            + "'; known: --" + String.join(" <value>, --", names) + " <value>");
                }
                out.put(name, args[++i]);
            }
            return out;
        }

        static int integer(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be an integer, not '" + value + "'");
            }
        }
    }
}
