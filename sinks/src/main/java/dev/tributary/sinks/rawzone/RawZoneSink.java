package dev.tributary.sinks.rawzone;

import dev.tributary.events.RawEvent;

import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriters;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.net.URI;
import java.util.Objects;

/**
 * The raw zone: every valid input record of every flow, as Avro container files of {@link RawEvent} envelopes
 * under {@code <root>/<flow>/date=YYYY-MM-DD/hour=HH/}, written by Flink's {@link FileSink}.
 *
 * <p>One envelope schema for all flows means one sink operator, one set of open part files per bucket and
 * subtask instead of one per event type, and files any Avro reader opens without knowing Tributary's schemas;
 * the payload keeps the producer's record in single-object encoding, so its exact schema is found by
 * fingerprint (the same contract as the Kafka topics).
 *
 * <p>Exactly once: part files are in-progress until a checkpoint, committed (renamed, or for S3 the multipart
 * upload completed) when it completes, and recovered/discarded on restore. Bulk formats can only roll on
 * checkpoints ({@link OnCheckpointRollingPolicy}), so the checkpoint interval sets the file size: each open
 * bucket of each subtask produces one file per checkpoint. Works with {@code file://} and, with the
 * {@code flink-s3-fs-hadoop} plugin (the only S3 filesystem with a recoverable writer), {@code s3://}.
 */
public final class RawZoneSink {

    /** Directory under the raw zone root that holds part files; objects live next to it under {@code objects/}. */
    public static final String EVENTS_DIR = "events";
    public static final String PART_PREFIX = "part";
    public static final String PART_SUFFIX = ".avro";

    private RawZoneSink() {}

    /** The FileSink writing envelopes under {@code <root>/events/<flow>/date=.../hour=.../part-*.avro}. */
    public static FileSink<RawEvent> forRoot(URI root) {
        Objects.requireNonNull(root, "root");
        return FileSink.forBulkFormat(eventsPath(root), AvroWriters.forSpecificRecord(RawEvent.class))
                .withBucketAssigner(new RawZoneBucketAssigner())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(PART_PREFIX).withPartSuffix(PART_SUFFIX).build())
                .build();
    }

    public static Path eventsPath(URI root) {
        return new Path(new Path(root), EVENTS_DIR);
    }
}
