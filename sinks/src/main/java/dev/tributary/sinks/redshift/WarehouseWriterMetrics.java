package dev.tributary.sinks.redshift;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The writer's metrics, under {@code <operator>.warehouse}: per table ({@code table=<name>})
 * {@code rowsWritten}, {@code rowsRejected}, {@code rowsCollapsed}, {@code rowsDeleted} (rows a delete removed; a
 * replayed delete removes none); for the writer {@code batches},
 * {@code retries}, {@code batchLatencyMillis} (histogram over the last 1000 batches) and {@code bufferedRows}.
 */
final class WarehouseWriterMetrics implements WarehouseSession.Listener {

    private final SinkWriterMetricGroup writerGroup;
    private final MetricGroup group;
    private final Map<String, Counter> written = new HashMap<>();
    private final Map<String, Counter> rejected = new HashMap<>();
    private final Map<String, Counter> collapsed = new HashMap<>();
    private final Map<String, Counter> deleted = new HashMap<>();
    private final Counter batches;
    private final Counter retries;
    private final Histogram batchLatency;

    WarehouseWriterMetrics(SinkWriterMetricGroup writerGroup, Iterable<String> tables, LongSupplier bufferedRows) {
        this.writerGroup = writerGroup;
        this.group = writerGroup.addGroup("warehouse");
        for (String table : tables) {
            MetricGroup t = group.addGroup("table", table);
            written.put(table, t.counter("rowsWritten"));
            rejected.put(table, t.counter("rowsRejected"));
            collapsed.put(table, t.counter("rowsCollapsed"));
            deleted.put(table, t.counter("rowsDeleted"));
        }
        this.batches = group.counter("batches");
        this.retries = group.counter("retries");
        this.batchLatency = group.histogram("batchLatencyMillis", new DescriptiveStatisticsHistogram(1000));
        group.gauge("bufferedRows", (Gauge<Long>) bufferedRows::getAsLong);
    }

    void written(String table, int rows) {
        written.get(table).inc(rows);
        writerGroup.getNumRecordsSendCounter().inc(rows);
    }

    void deleted(String table, int rows) {
        deleted.get(table).inc(rows);
    }

    void rejected(String table) {
        rejected.get(table).inc();
        writerGroup.getNumRecordsOutErrorsCounter().inc();
    }

    void collapsed(String table, long rows) {
        collapsed.get(table).inc(rows);
    }

    void batch(long millis) {
        batches.inc();
        batchLatency.update(millis);
    }

    @Override
    public void retried(SqlFailure failure) {
        retries.inc();
    }
}
