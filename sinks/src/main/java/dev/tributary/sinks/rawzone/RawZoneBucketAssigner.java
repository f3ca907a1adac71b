package dev.tributary.sinks.rawzone;

import dev.tributary.events.RawEvent;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Partitions the raw zone as {@code <flow>/date=YYYY-MM-DD/hour=HH} (UTC), the Hive-style layout query engines
 * (Athena, Redshift Spectrum, Spark) prune on.
 *
 * <p>The hour is the record's {@code ingestedAt}: the processing time at which the job accepted it, stamped once
 * when the envelope is built. Event time would put late and replayed-from-the-past records into old partitions
 * that were already closed and queried; ingestion time keeps every partition append-only and bounded in time,
 * and the event's own timestamp is still inside the payload for queries that need it.
 */
public final class RawZoneBucketAssigner implements BucketAssigner<RawEvent, String> {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter HOUR =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd'/hour='HH").withZone(ZoneOffset.UTC);

    @Override
    public String getBucketId(RawEvent element, Context context) {
        return bucketOf(element.getFlow(), element.getIngestedAt());
    }

    /** The bucket (relative directory) of a record of {@code flow} ingested at {@code at}. */
    public static String bucketOf(String flow, Instant at) {
        return flow + "/" + HOUR.format(at);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "RawZoneBucketAssigner{<flow>/date=YYYY-MM-DD/hour=HH by ingestion time, UTC}";
    }
}
