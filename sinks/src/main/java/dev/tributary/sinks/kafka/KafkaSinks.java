package dev.tributary.sinks.kafka;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Exactly-once Kafka sinks: records are written in Kafka transactions that commit when the checkpoint
 * completes, so consumers reading with {@code isolation.level=read_committed} see each record once.
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    /**
     * What an exactly-once sink needs to know about the cluster and the job.
     *
     * @param deadLetterTopic where a record too large to send goes instead, as a dead letter
     */
    public record Target(Properties clientProperties, String transactionalIdPrefix, Duration transactionTimeout,
                         String deadLetterTopic) {}

    /** The producer's default {@code max.request.size}. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Room for what Kafka adds to key and value: batch and record headers, timestamps, varints. */
    static final long RECORD_OVERHEAD_BYTES = 4 * 1024;

    /**
     * A transactional sink to one topic.
     *
     * @param sinkName names the sink's transactions ({@code <prefix>-<sinkName>}): stable across releases, unique
     *                 per sink within the job, because a restored job aborts its lingering transactions by this id
     * @param key      the record key (the entity id), so Kafka partitions by id and order per id holds
     * @param value    the record value bytes
     */
    public static <T> KafkaSink<T> exactlyOnce(
            Target target, String sinkName, String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
        Properties producer = new Properties();
        producer.putAll(target.clientProperties());
        producer.setProperty("transaction.timeout.ms", Long.toString(target.transactionTimeout().toMillis()));
        // Flink retries by restarting from the checkpoint; inside a transaction the producer must not give up early.
        producer.putIfAbsent("delivery.timeout.ms", Long.toString(Math.min(target.transactionTimeout().toMillis(), 300_000L)));
        Objects.requireNonNull(target.deadLetterTopic(), "deadLetterTopic");
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(producer)
                .setBootstrapServers(producer.getProperty("bootstrap.servers"))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(target.transactionalIdPrefix() + "-" + sinkName)
                .setRecordSerializer(new KeyedRecordSerializer<>(topic, key, value, sinkName, target.deadLetterTopic(),
                        maxRequestSize(producer) - RECORD_OVERHEAD_BYTES))
                .build();
    }

    static long maxRequestSize(Properties producer) {
        String configured = producer.getProperty("max.request.size");
        return configured == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(configured.trim());
    }
}
