package dev.tributary.sinks.kafka;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes each element to one topic with a key and a value. Written out (instead of the connector's builder)
 * because the builder infers types by reflection, which fails for lambdas.
 */
final class KeyedRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializationSchema<T> key;
    private final SerializationSchema<T> value;

    KeyedRecordSerializer(String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
        key.open(context);
        value.open(context);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.serialize(element), value.serialize(element));
    }
}
