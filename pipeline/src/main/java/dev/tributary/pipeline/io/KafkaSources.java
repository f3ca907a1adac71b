package dev.tributary.pipeline.io;

import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.config.StartingOffsets;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.List;
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
    public DataStream<RawRecord> kafka(StreamExecutionEnvironment env, String uid, String name, List<String> topics) {
        Properties props = settings.kafkaClientProperties();
        props.setProperty("isolation.level", "read_committed");
        // offsets committed to the group only show progress and lag; Flink restores from its own checkpoints
        props.setProperty("commit.offsets.on.checkpoint", "true");
        props.setProperty("partition.discovery.interval.ms", "60000");
        KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
                .setProperties(props)
                .setTopics(topics)
                .setGroupId(settings.get(JobSettings.KAFKA_GROUP_ID))
                .setStartingOffsets(startingOffsets(settings.get(JobSettings.KAFKA_STARTING_OFFSETS)))
                .setDeserializer(new RawRecordDeserializer())
                .build();
        // Event time is assigned per flow (observations) after decoding; sources carry no watermarks.
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), name).uid(uid).name(name);
    }

    private static OffsetsInitializer startingOffsets(StartingOffsets offsets) {
        return switch (offsets) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
