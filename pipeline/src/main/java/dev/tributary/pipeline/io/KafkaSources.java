package dev.tributary.pipeline.io;

import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.config.StartingOffsets;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Properties;

/**
 * Production Kafka sources: offsets live in Flink's checkpoints (exactly-once), and only committed records of
 * transactional producers are read ({@code isolation.level=read_committed}).
 */
public final class KafkaSources implements Sources {


    private final JobSettings settings;

    public KafkaSources(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
            StreamExecutionEnvironment env, KafkaInput<T> input) {
        Properties props = settings.kafkaClientProperties();
        props.setProperty("isolation.level", "read_committed");
        // offsets committed to the group only show progress and lag; Flink restores from its own checkpoints
        props.setProperty("commit.offsets.on.checkpoint", "true");
        props.setProperty("partition.discovery.interval.ms", "60000");
        KafkaSource<Either<DeadLetter, T>> source = KafkaSource.<Either<DeadLetter, T>>builder()
                .setProperties(props)
                .setTopics(input.topics())
                .setGroupId(settings.get(JobSettings.KAFKA_GROUP_ID))
                .setStartingOffsets(startingOffsets(settings.get(JobSettings.KAFKA_STARTING_OFFSETS)))
                .setDeserializer(new DecodingDeserializer<>(input))
                .build();
        // the strategy runs in the source: one watermark generator per partition (Flink's per-split watermarks)
        return env.fromSource(source, input.watermarks(), input.name(), input.producedType())
                .uid(input.uid()).name(input.name());
    }

    private static OffsetsInitializer startingOffsets(StartingOffsets offsets) {
        return switch (offsets) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
