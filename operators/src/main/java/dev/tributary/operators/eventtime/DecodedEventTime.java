package dev.tributary.operators.eventtime;

import dev.tributary.events.DeadLetter;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.types.Either;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The watermark strategy handed to a Kafka source whose deserializer decodes (records and dead letters as
 * {@code Either<DeadLetter, T>}). Given to the source, Flink keeps one generator per partition and emits their
 * minimum ("late" is then decided against the slowest partition, as Flink defines it); idleness lets a quiet
 * partition stop holding the others back; alignment pauses partitions and readers that run more than
 * {@code maxDrift} ahead of the slowest of their group while the job catches up on a backlog.
 */
public final class DecodedEventTime {

    private DecodedEventTime() {}

    /** A record's event time in epoch millis. */
    @FunctionalInterface
    public interface EventTimeOf<T> extends Serializable {
        long millis(T record);
    }

    /**
     * @param group      sources of one group are aligned with each other (one group per flow that uses event time)
     * @param maxDrift   how far a partition's watermark may run ahead of the group's slowest
     * @param interval   how often readers report their watermarks and learn the group's
     */
    public record Alignment(String group, Duration maxDrift, Duration interval) implements Serializable {
        public Alignment {
            Objects.requireNonNull(group, "group");
            if (maxDrift.isNegative() || maxDrift.isZero() || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("watermark alignment: max drift and update interval must be positive");
            }
        }
    }

    public static <T> WatermarkStrategy<Either<DeadLetter, T>> watermarks(EventTimeOf<T> eventTime,
            Duration maxOutOfOrderness, Duration idleness, Alignment alignment, Clock clock) {
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(alignment, "alignment");
        Objects.requireNonNull(clock, "clock");
        SerializableTimestampAssigner<Either<DeadLetter, T>> timestamps =
                (decoded, kafkaTimestamp) -> decoded.isRight() ? eventTime.millis(decoded.right()) : kafkaTimestamp;
        return WatermarkStrategy
                .<Either<DeadLetter, T>>forGenerator(context -> new ClockCappedWatermarks<>(maxOutOfOrderness, clock))
                .withTimestampAssigner(timestamps)
                .withIdleness(idleness)
                .withWatermarkAlignment(alignment.group(), alignment.maxDrift(), alignment.interval());
    }
}
