package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.assets.Sha256;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter} records the same way everywhere: every part that comes from outside cut to a bound
 * (payload, key, reason, which may quote a value), the original sizes and the payload's hash kept, source
 * coordinates kept. So a dead letter always fits the dead-letter topic (under 70 KiB, far below Kafka's 1 MB
 * default record limit): a record that could not be carried cannot also stop the channel that reports it.
 */
public final class DeadLetters {

    /** Dead letters keep at most this much of the original payload (the size is recorded either way). */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    /** ... of the source record's key. */
    public static final int MAX_KEY_BYTES = 1024;
    /** ... of the reason text, in characters. */
    public static final int MAX_REASON_CHARS = 2048;

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
        byte[] key = source.key();
        return DeadLetter.newBuilder()
                .setFlow(flow)
                .setOperator(operator)
                .setReasonCode(reasonCode)
                .setReason(cut(reason == null ? "" : reason))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setSourceTimestamp(source.timestampMillis() == null ? null : Instant.ofEpochMilli(source.timestampMillis()))
                .setKey(key == null ? null : ByteBuffer.wrap(key.length > MAX_KEY_BYTES ? Arrays.copyOf(key, MAX_KEY_BYTES) : key))
                .setKeySize(key == null ? null : key.length)
                .setPayload(ByteBuffer.wrap(truncated ? Arrays.copyOf(body, MAX_PAYLOAD_BYTES) : body))
                .setPayloadSize(body.length)
                .setPayloadTruncated(truncated)
                .setPayloadSha256(Sha256.hex(body))
                .setFailedAt(Instant.now())
                .build();
    }

    /** The reason, or its first {@link #MAX_REASON_CHARS} characters and how long it was. */
    public static String cut(String reason) {
        if (reason.length() <= MAX_REASON_CHARS) {
            return reason;
        }
        String suffix = "... (" + reason.length() + " characters)";
        int end = MAX_REASON_CHARS - suffix.length();
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--; // never split a character in two
        }
        return reason.substring(0, end) + suffix;
    }

}
