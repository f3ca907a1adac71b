package dev.tributary.sinks.search;

import org.apache.flink.connector.base.sink.writer.strategy.RateLimitingStrategy;
import org.apache.flink.connector.base.sink.writer.strategy.RequestInfo;
import org.apache.flink.connector.base.sink.writer.strategy.ResultInfo;

/**
 * Keeps the configured number of bulk requests in flight, each of up to the configured batch size: nothing more.
 *
 * <p>Why not the AsyncSink's default: that one ({@code CongestionControlRateLimitingStrategy} with AIMD) starts with
 * one batch's worth of documents in flight, adds 10 per successful request and halves on any failed document. With
 * batches of 1000 and 2 requests allowed, it needs 100 clean requests (100 000 documents) before a second request
 * can be in flight, and one retried document halves it again, so the sink mostly ran one request at a time while a
 * plain loader ran two (issue #23: 0.55-0.64 of the plain loader). Backing off is already done where it is known
 * to be needed: the writer holds a failed request's handler until its backoff has passed ({@link SearchSinkWriter}),
 * so during an outage the held requests fill the in-flight slots and the job is backpressured.
 */
final class InFlightRequestsLimit implements RateLimitingStrategy {

    private final int maxInFlightRequests;
    private final int maxBatchSize;
    private int inFlightRequests;

    InFlightRequestsLimit(int maxInFlightRequests, int maxBatchSize) {
        if (maxInFlightRequests < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("in-flight requests and batch size must be positive");
        }
        this.maxInFlightRequests = maxInFlightRequests;
        this.maxBatchSize = maxBatchSize;
    }

    @Override
    public void registerInFlightRequest(RequestInfo request) {
        inFlightRequests++;
    }

    @Override
    public void registerCompletedRequest(ResultInfo result) {
        inFlightRequests = Math.max(0, inFlightRequests - 1);
    }

    @Override
    public boolean shouldBlock(RequestInfo request) {
        return inFlightRequests >= maxInFlightRequests;
    }

    @Override
    public int getMaxBatchSize() {
        return maxBatchSize;
    }
}
