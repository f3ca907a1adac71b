package dev.tributary.pipeline.flows;

import dev.tributary.events.RawEvent;

import org.apache.flink.api.common.functions.MapFunction;

import java.nio.ByteBuffer;
import java.time.Instant;

/**
 * Wraps a validated record into the raw zone's envelope: the flow that owns its event type (the first
 * partition level), the type, the key, the ingestion time (the date/hour partition) and the payload as is.
 */
public final class RawEnvelope implements MapFunction<ValidatedRecord, RawEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public RawEvent map(ValidatedRecord record) {
        return RawEvent.newBuilder()
                .setFlow(ownerOf(record.type))
                .setType(record.type)
                .setKey(record.key)
                .setIngestedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setPayload(ByteBuffer.wrap(record.value))
                .build();
    }

    /** The owning flow ({@link EventType#owner()}); a type without one lands under "unassigned". */
    static String ownerOf(String type) {
        return EventType.ownerOf(type);
    }
}
