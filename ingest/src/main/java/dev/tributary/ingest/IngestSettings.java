package dev.tributary.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of the ingestion service, checked before it starts. Connection settings and keys come from the
 * environment; the rest may be given as {@code --name value} arguments.
 *
 * @param topics          input topic per event type where it is not the default ({@code telemetry.<type>})
 * @param maxBodyBytes    a larger body is answered 413 before it is read
 * @param maxRecords      records per request; more is 413
 * @param maxInFlight     records sent to Kafka and not yet acknowledged, over all requests; past it, 429
 * @param maxBlock        how long producing may wait for Kafka's metadata or buffer space; past it, 503
 * @param deliveryTimeout how long Kafka may take to acknowledge a record before it counts as failed
 */
public record IngestSettings(String host, int port, String bootstrap, ApiKeys apiKeys, Map<String, String> topics,
                             int maxBodyBytes, int maxRecords, int maxInFlight, Duration maxBlock, Duration deliveryTimeout) {

    public static final int DEFAULT_PORT = 8091;

    public IngestSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0 to 65535, not " + port);
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("TRIBUTARY_KAFKA_BOOTSTRAP is not set (host:port of the Kafka brokers)");
        }
        positive("--max-body-bytes", maxBodyBytes);
        positive("--max-records", maxRecords);
        positive("--max-in-flight", maxInFlight);
        if (maxBlock.isNegative() || deliveryTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("max block must not be negative and the delivery timeout at least 1 s");
        }
        topics = Map.copyOf(topics);
        EventRoute.telemetry(topics); // names an unknown type, if any
    }

    /** Defaults for everything but where Kafka is and the keys. */
    public static IngestSettings of(String bootstrap, ApiKeys keys) {
        return new IngestSettings("127.0.0.1", DEFAULT_PORT, bootstrap, keys, Map.of(), 4 * 1024 * 1024, 1000, 20_000,
                Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    public IngestSettings withPort(int newPort) {
        return new IngestSettings(host, newPort, bootstrap, apiKeys, topics, maxBodyBytes, maxRecords, maxInFlight, maxBlock, deliveryTimeout);
    }

    public IngestSettings withTopics(Map<String, String> newTopics) {
        return new IngestSettings(host, port, bootstrap, apiKeys, newTopics, maxBodyBytes, maxRecords, maxInFlight, maxBlock, deliveryTimeout);
    }

    public IngestSettings withLimits(int newMaxBodyBytes, int newMaxRecords, int newMaxInFlight) {
        return new IngestSettings(host, port, bootstrap, apiKeys, topics, newMaxBodyBytes, newMaxRecords, newMaxInFlight, maxBlock, deliveryTimeout);
    }

    public IngestSettings withKafkaWaits(Duration newMaxBlock, Duration newDeliveryTimeout) {
        return new IngestSettings(host, port, bootstrap, apiKeys, topics, maxBodyBytes, maxRecords, maxInFlight, newMaxBlock, newDeliveryTimeout);
    }

    /** Kafka client settings: the bootstrap servers. */
    Properties kafkaClient() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        return props;
    }

    /**
     * From the environment ({@code TRIBUTARY_KAFKA_BOOTSTRAP}, the API keys, {@code TRIBUTARY_INGEST_PORT}),
     * overridden by {@code --host --port --max-body-bytes --max-records --max-in-flight} and
     * {@code --topic <type>=<topic>} (repeatable).
     */
    public static IngestSettings from(Map<String, String> env, String[] args) {
        Arguments a = Arguments.parse(args, List.of("host", "port", "max-body-bytes", "max-records", "max-in-flight"));
        IngestSettings defaults = of(env.getOrDefault("TRIBUTARY_KAFKA_BOOTSTRAP", ""), ApiKeys.fromEnvironment(env));
        return new IngestSettings(
                a.get("host", env.getOrDefault("TRIBUTARY_INGEST_HOST", defaults.host())),
                a.integer("port", Arguments.integer("TRIBUTARY_INGEST_PORT", env.getOrDefault("TRIBUTARY_INGEST_PORT", "" + DEFAULT_PORT))),
                defaults.bootstrap(), defaults.apiKeys(), a.topics(),
                a.integer("max-body-bytes", defaults.maxBodyBytes()),
                a.integer("max-records", defaults.maxRecords()),
                a.integer("max-in-flight", defaults.maxInFlight()),
                defaults.maxBlock(), defaults.deliveryTimeout());
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, not " + value);
        }
    }
}
