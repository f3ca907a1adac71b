package dev.tributary.operators.eventtime;

import dev.tributary.events.DeadLetter;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClockCappedWatermarksTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };
    private final ClockCappedWatermarks<String> generator =
            new ClockCappedWatermarks<>(BOUND, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theWatermarkIsTheNewestEventTimeMinusTheBound() {
        long t = NOW.minus(Duration.ofHours(1)).toEpochMilli();
        generator.onEvent(Either.Right("a"), t, output);
        generator.onEvent(Either.Right("b"), t - 5_000, output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(t - BOUND.toMillis() - 1);
    }

    @Test
    void nothingIsEmittedBeforeTheFirstRecordNorWhenTheWatermarkDoesNotRise() {
        generator.onPeriodicEmit(output);
        generator.onEvent(Either.Right("a"), 1_000_000, output);
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(1_000_000 - BOUND.toMillis() - 1);
    }

    @Test
    void deadLettersNeverMoveTheWatermark() {
        long backlog = NOW.minus(Duration.ofDays(30)).toEpochMilli();
        generator.onEvent(Either.Right("old"), backlog, output);
        // a rejected record carries its Kafka timestamp (now), far ahead of the backlog's event times
        generator.onEvent(Either.<DeadLetter, String>Left(new DeadLetter()), NOW.toEpochMilli(), output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(backlog - BOUND.toMillis() - 1);
    }

    @Test
    void aClockAheadCannotPushTheWatermarkPastTheJobsClock() {
        generator.onEvent(Either.Right("ahead by 4 min"), NOW.plus(Duration.ofMinutes(4)).toEpochMilli(), output);
        generator.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(NOW.toEpochMilli() - BOUND.toMillis() - 1);
    }
}
