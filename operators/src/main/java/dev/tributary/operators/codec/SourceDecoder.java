package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.types.Either;

import java.io.Serializable;

/**
 * Turns one Kafka record of an input into its event, inside the Kafka source's deserializer. Bad input is a value,
 * never an exception: a dead letter naming the reason and the source offset. {@link RecordDecoder} reads Tributary's
 * own topics (Avro or JSON of the type's schema); other decoders read other systems' formats (change events).
 * Call {@link #open} once before {@link #decode}.
 */
public interface SourceDecoder<T extends SpecificRecordBase> extends Serializable {

    /** The class of the events this decoder produces. */
    Class<T> type();

    /** Registers the decoder's counters on the source's metric group. */
    void open(MetricGroup metricGroup);

    /**
     * The event (right), the dead letter that says why not (left), or null when the record carries no event by
     * the format's own rules (a change topic's tombstone); a decoder counts what it skips.
     */
    Either<DeadLetter, T> decode(RawRecord raw);
}
