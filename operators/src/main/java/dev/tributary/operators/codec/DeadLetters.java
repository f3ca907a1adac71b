package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/** Builds {@link DeadLetter} records the same way everywhere: payload cut to a bound, source coordinates kept. */
public final class DeadLetters {

    /** Dead letters keep at most this much of the original payload (the size is recorded either way). */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private DeadLetters() {}

    /** Where a rejected record came from. Offsets are -1 / null when the record did not come from Kafka. */
    public record Source(String topic, Integer partition, Long offset, Long timestampMillis, byte[] key) {

        public static Source kafka(String topic, int partition, long offset, long timestampMillis, byte[] key) {
            return new Source(topic, partition, offset, timestampMillis, key);
        }

        /** The coordinates of a record read from Kafka, as the decode operator received it. */
        public static Source of(RawRecord raw) {
            return kafka(raw.topic, raw.partition, raw.offset, raw.timestampMillis, raw.key);
        }

        public static Source none() {
            return new Source(null, null, null, null, null);
        }
    }

    public static DeadLetter of(
            String flow, String operator, String reasonCode, String reason, Source source, byte[] payload) {
        byte[] body = payload == null ? new byte[0] : payload;
        boolean truncated = body.length > MAX_PAYLOAD_BYTES;
        return DeadLetter.newBuilder()
                .setFlow(flow)
                .setOperator(operator)
                .setReasonCode(reasonCode)
                .setReason(reason)
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setSourceTimestamp(source.timestampMillis() == null ? null : Instant.ofEpochMilli(source.timestampMillis()))
                .setKey(source.key() == null ? null : ByteBuffer.wrap(source.key()))
                .setPayload(ByteBuffer.wrap(truncated ? Arrays.copyOf(body, MAX_PAYLOAD_BYTES) : body))
                .setPayloadSize(body.length)
                .setPayloadTruncated(truncated)
                .setFailedAt(Instant.now())
                .build();
    }
}
