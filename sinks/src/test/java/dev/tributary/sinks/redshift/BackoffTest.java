package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class BackoffTest {

    private static final long MS = 1_000_000;

    @Test
    void doublesFromAHundredMillisUpToTenSeconds() {
        Backoff backoff = new Backoff(Duration.ofHours(1), 0);
        long[] delays = new long[9];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = backoff.nextDelayMillis(0);
        }
        assertThat(delays).containsExactly(100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000);
    }

    @Test
    void neverWaitsPastTheDeadlineAndThenGivesUp() {
        Backoff backoff = new Backoff(Duration.ofMillis(250), 0);
        assertThat(backoff.nextDelayMillis(0)).isEqualTo(100);
        assertThat(backoff.nextDelayMillis(100 * MS)).isEqualTo(150); // 200 would pass the deadline
        assertThat(backoff.nextDelayMillis(250 * MS)).isEqualTo(-1);
    }
}
