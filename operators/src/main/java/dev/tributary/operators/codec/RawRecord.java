package dev.tributary.operators.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Kafka record as it arrives, before decoding: its coordinates (so a dead letter names the exact source
 * offset), key and value bytes.
 *
 * <p>A Flink POJO (public no-arg constructor, public fields) so it is serialized by Flink's PojoSerializer,
 * never by Kryo. Kafka sources build it with {@link #of}.
 */
public final class RawRecord {

    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp (create or log-append time), epoch millis. */
    public long timestampMillis;
    /** Null when the record has no key. */
    public byte[] key;
    /** Null for a tombstone. */
    public byte[] value;

    public RawRecord() {}

    public static RawRecord of(String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {
        RawRecord raw = new RawRecord();
        raw.topic = topic;
        raw.partition = partition;
        raw.offset = offset;
        raw.timestampMillis = timestampMillis;
        raw.key = key;
        raw.value = value;
        return raw;
    }

    /** Size of key plus value in bytes. */
    public int sizeBytes() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord other = (RawRecord) o;
        return partition == other.partition && offset == other.offset && timestampMillis == other.timestampMillis
                && Objects.equals(topic, other.topic) && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "RawRecord{" + topic + "/" + partition + "@" + offset + ", ts=" + timestampMillis
                + ", key=" + (key == null ? "null" : key.length + "B") + ", value=" + (value == null ? "null" : value.length + "B") + "}";
    }
}
