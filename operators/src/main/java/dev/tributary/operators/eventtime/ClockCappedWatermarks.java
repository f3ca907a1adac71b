package dev.tributary.operators.eventtime;

import dev.tributary.events.DeadLetter;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.types.Either;

import java.time.Clock;
import java.time.Duration;

/**
 * Bounded-out-of-orderness watermarks over decoded records, with two guards. The Kafka source runs one instance
 * per partition (Flink's per-split watermarks), so one partition's newest event time never makes another
 * partition's records late.
 *
 * <ul>
 *   <li><b>Dead letters do not count.</b> A rejected record has no trustworthy event time (it carries its Kafka
 *       timestamp only so sinks can write it), so it never moves the watermark: in a backlog its Kafka timestamp
 *       would be far ahead of the event times around it.</li>
 *   <li><b>The watermark never passes the job's clock.</b> It is at most {@code now - bound}: a producer whose clock
 *       runs a few minutes ahead (records further ahead are dead-lettered by the decoder's clock guard,
 *       {@code decode.max-clock-ahead}) cannot close windows that other producers are still filling. Reading a
 *       backlog, event times are in the past and the cap never applies.</li>
 * </ul>
 */
public final class ClockCappedWatermarks<T> implements WatermarkGenerator<Either<DeadLetter, T>> {

    private final long boundMillis;
    private final Clock clock;
    private long newestEventTime;
    private long emitted = Long.MIN_VALUE;

    public ClockCappedWatermarks(Duration maxOutOfOrderness, Clock clock) {
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("max out-of-orderness must not be negative, got " + maxOutOfOrderness);
        }
        this.boundMillis = maxOutOfOrderness.toMillis();
        this.clock = clock;
        // as Flink's BoundedOutOfOrdernessWatermarks: the first watermark is Long.MIN_VALUE, without underflow
        this.newestEventTime = Long.MIN_VALUE + boundMillis + 1;
    }

    @Override
    public void onEvent(Either<DeadLetter, T> event, long eventTimestamp, WatermarkOutput output) {
        if (event.isRight() && eventTimestamp > newestEventTime) {
            newestEventTime = eventTimestamp;
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = Math.min(newestEventTime, clock.millis()) - boundMillis - 1;
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
