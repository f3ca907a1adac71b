package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.deadletter.KafkaDeadLetterChannel;
import dev.tributary.sinks.kafka.KafkaSinks;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.connector.sink2.Sink;

/** The production sinks, configured from {@link JobSettings}. */
public class TributarySinks implements Sinks {

    private final JobSettings settings;

    public TributarySinks(JobSettings settings) {
        this.settings = settings;
    }

    protected KafkaSinks.Target kafkaTarget() {
        return new KafkaSinks.Target(settings.kafkaClientProperties(),
                settings.get(JobSettings.KAFKA_TX_PREFIX), settings.get(JobSettings.KAFKA_TX_TIMEOUT));
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return kafka("dead-letter", settings.get(JobSettings.TOPIC_DEAD_LETTER),
                KafkaDeadLetterChannel::keyOf, new AvroEventSerializer<>(DeadLetter.class));
    }

    @Override
    public <T> Sink<T> kafka(String sinkName, String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
        return KafkaSinks.exactlyOnce(kafkaTarget(), sinkName, topic, key, value);
    }
}
