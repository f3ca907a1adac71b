package dev.tributary.sinks.search;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.concurrent.atomic.AtomicLong;

/** The writer's metrics, in the group {@code search} of the sink writer's metric group. */
final class SearchSinkMetrics {

    final Counter docsSent;
    final Counter docsRetried;
    final Counter docsRejected;
    final Counter versionConflicts;
    final Counter bulkRequests;
    final Counter bulkRequestFailures;
    final Histogram bulkLatencyMillis;
    final AtomicLong inFlightBytes = new AtomicLong();

    SearchSinkMetrics(MetricGroup parent) {
        MetricGroup group = parent.addGroup("search");
        docsSent = group.counter("docsSent");
        docsRetried = group.counter("docsRetried");
        docsRejected = group.counter("docsRejected");
        versionConflicts = group.counter("versionConflicts");
        bulkRequests = group.counter("bulkRequests");
        bulkRequestFailures = group.counter("bulkRequestFailures");
        bulkLatencyMillis = group.histogram("bulkLatencyMs", new DescriptiveStatisticsHistogram(1000));
        group.gauge("inFlightBytes", inFlightBytes::get);
    }
}
