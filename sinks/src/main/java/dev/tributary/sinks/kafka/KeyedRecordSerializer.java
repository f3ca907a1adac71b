package dev.tributary.sinks.kafka;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.DeadLetters;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Writes each element to one topic with a key and a value. Written out (instead of the connector's builder)
 * because the builder infers types by reflection, which fails for lambdas.
 *
 * <p><b>No poison loop.</b> A record larger than the producer accepts ({@code max.request.size}) fails the send
 * with a non-retriable error; the task would fail, restart from its checkpoint, meet the same record and fail
 * again, for ever, and every flow of the job with it. So a record over {@code maxRecordBytes} is not sent to its
 * topic: its dead letter (reason {@value #OVERSIZED}, the record's size, its first 64 KiB and their hash) goes to
 * the dead-letter topic instead, in the same transaction, and {@code recordsOversized} counts it. Dead letters
 * are bounded by construction ({@link DeadLetters}), so the replacement always fits.
 */
final class KeyedRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(KeyedRecordSerializer.class);

    static final String OVERSIZED = "OVERSIZED_OUTPUT";

    private final String topic;
    private final SerializationSchema<T> key;
    private final SerializationSchema<T> value;
    private final String sinkName;
    private final String deadLetterTopic;
    private final long maxRecordBytes;

    private transient Counter oversized;

    KeyedRecordSerializer(String topic, SerializationSchema<T> key, SerializationSchema<T> value, String sinkName,
                          String deadLetterTopic, long maxRecordBytes) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.sinkName = sinkName;
        this.deadLetterTopic = deadLetterTopic;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        key.open(context);
        value.open(context);
        oversized = context.getMetricGroup().counter("recordsOversized");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        byte[] k = key.serialize(element);
        byte[] v = value.serialize(element);
        long size = (k == null ? 0 : k.length) + (v == null ? 0 : v.length);
        if (size <= maxRecordBytes) {
            return new ProducerRecord<>(topic, null, timestamp, k, v);
        }
        DeadLetter letter = DeadLetters.of(sinkName, "kafka-" + sinkName, OVERSIZED,
                "a record of " + size + " bytes for topic " + topic + " exceeds the " + maxRecordBytes
                        + " bytes the producer sends (max.request.size less the record overhead)",
                new DeadLetters.Source(null, null, null, timestamp, k), v);
        if (oversized != null) {
            oversized.inc();
        }
        LOG.warn("Kafka sink {}: a record of {} bytes for topic {} (key {}) is over the limit of {} bytes;"
                + " dead-lettered to {}", sinkName, size, topic, printable(letter), maxRecordBytes, deadLetterTopic);
        byte[] letterKey = letter.getKey() == null ? null : copy(letter.getKey());
        return new ProducerRecord<>(deadLetterTopic, null, timestamp, letterKey, AvroEventSerializer.encode(letter));
    }

    private static byte[] copy(java.nio.ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /** The key for a log line: its first 64 bytes as text, never the value (it may hold personal data). */
    private static String printable(DeadLetter letter) {
        if (letter.getKey() == null) {
            return "none";
        }
        byte[] k = copy(letter.getKey());
        return new String(k, 0, Math.min(64, k.length), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
    }
}
