package dev.tributary.sinks.assets;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The download operator's metrics, as the web UI and the Prometheus reporter show them. */
final class DownloadMetrics {

    final Counter started;
    final Counter succeeded;
    final Counter failed;
    final Counter bytes;
    final Counter retries;
    final Histogram latencyMillis;
    /** Thumbnails made for the broadcast: the image scaled, or a poster (video, other files, undecodable images). */
    final Counter thumbnailsScaled;
    final Counter thumbnailsPoster;
    final AtomicInteger inFlight = new AtomicInteger();
    private final Map<FailureReason, Counter> failedByReason = new EnumMap<>(FailureReason.class);

    DownloadMetrics(MetricGroup group) {
        started = group.counter("downloadsStarted");
        succeeded = group.counter("downloadsSucceeded");
        failed = group.counter("downloadsFailed");
        bytes = group.counter("downloadedBytes");
        retries = group.counter("downloadRetries");
        latencyMillis = group.histogram("downloadLatencyMillis", new DescriptiveStatisticsHistogram(1000));
        thumbnailsScaled = group.counter("thumbnailsScaled");
        thumbnailsPoster = group.counter("thumbnailsPoster");
        group.gauge("downloadsInFlight", inFlight::get);
        for (FailureReason r : FailureReason.values()) {
            failedByReason.put(r, group.addGroup("reason", r.name()).counter("downloadsFailed"));
        }
    }

    void failed(FailureReason reason) {
        failed.inc();
        failedByReason.get(reason).inc();
        if (reason.retryable()) {
            retries.inc(); // counted as a retry: the operator's retry strategy tries it again while attempts remain
        }
    }
}
