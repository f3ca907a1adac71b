package dev.tributary.sinks.search;

import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InFlightRequestsLimitTest {

    private static RequestInfo batch(int size) {
        return () -> size;
    }

    private static ResultInfo result(int size, int failed) {
        return new ResultInfo() {
            @Override
            public int getFailedMessages() {
                return failed;
            }

            @Override
            public int getBatchSize() {
                return size;
            }
        };
    }

    @Test
    void keepsTheConfiguredRequestsInFlightFromTheStartAndAfterFailures() {
        InFlightRequestsLimit limit = new InFlightRequestsLimit(2, 1000);
        assertThat(limit.getMaxBatchSize()).as("full batches from the first request").isEqualTo(1000);
        limit.registerInFlightRequest(batch(1000));
        assertThat(limit.shouldBlock(batch(1000))).as("a second request may go at once").isFalse();
        limit.registerInFlightRequest(batch(1000));
        assertThat(limit.shouldBlock(batch(1000))).isTrue();

        // a request whose documents all failed (to be retried after a backoff) frees its slot; the batch size stays
        limit.registerCompletedRequest(result(1000, 1000));
        assertThat(limit.shouldBlock(batch(1000))).isFalse();
        assertThat(limit.getMaxBatchSize()).isEqualTo(1000);
        limit.registerInFlightRequest(batch(1000));
        assertThat(limit.shouldBlock(batch(1000))).isTrue();
    }

    @Test
    void refusesANonPositiveLimit() {
        assertThatThrownBy(() -> new InFlightRequestsLimit(0, 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InFlightRequestsLimit(2, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
