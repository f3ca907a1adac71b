package dev.tributary.sinks.deadletter;

import dev.tributary.events.DeadLetter;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/** Dead letters to a Kafka topic, Avro single-object encoded, with an idempotent producer (acks=all). */
public final class KafkaDeadLetterChannel implements DeadLetterChannel {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public KafkaDeadLetterChannel(Properties clientProperties, String topic) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
    }

    /** A factory for sinks: the properties must hold at least {@code bootstrap.servers}. */
    public static Factory factory(Properties clientProperties, String topic) {
        Properties copy = new Properties();
        copy.putAll(clientProperties);
        return () -> new KafkaDeadLetterChannel(copy, topic);
    }

    /** Key that identifies a dead letter by its source record, so consumers can drop replayed repeats. */
    public static byte[] keyOf(DeadLetter letter) {
        String id = letter.getSourceTopic() == null
                ? letter.getFlow() + "/" + letter.getOperator()
                : letter.getSourceTopic() + "/" + letter.getSourcePartition() + "/" + letter.getSourceOffset();
        return id.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void send(DeadLetter letter) {
        byte[] value;
        try {
            ByteBuffer encoded = letter.toByteBuffer();
            value = new byte[encoded.remaining()];
            encoded.get(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode dead letter", e);
        }
        producer.send(new ProducerRecord<>(topic, keyOf(letter), value), (metadata, error) -> {
            if (error != null) {
                firstFailure.compareAndSet(null, error);
            }
        });
    }

    @Override
    public void flush() {
        producer.flush();
        Exception failure = firstFailure.getAndSet(null);
        if (failure != null) {
            throw new IllegalStateException("dead letters could not be written to topic " + topic, failure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
