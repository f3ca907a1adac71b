package dev.tributary.sinks.redshift;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.DeadLetters;
import dev.tributary.sinks.deadletter.DeadLetterChannel;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers rows per table and writes them on flush; see {@link WarehouseSink}. All methods, including the
 * flush-interval timer, run on the task thread, so a flush never overlaps a write.
 */
final class WarehouseWriter<T> implements SinkWriter<T> {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseWriter.class);

    static final String INVALID_VALUE = "INVALID_VALUE";
    static final String SINK_REJECTED = "SINK_REJECTED";

    record Config<T>(
            JdbcSettings jdbc, WarehouseDialect dialect, List<WarehouseTable<? extends T>> tables, int batchSize,
            Duration flushInterval, Duration maxRetryDuration, boolean applySchema,
            DeadLetterChannel.Factory deadLetters, String flow, String operatorUid) {}

    /** One configured table with its buffer and SQL. */
    private record Route(WarehouseTable<Object> table, KeyedBatch batch, MergeSql sql) {}

    private final Config<T> config;
    private final List<Route> routes = new ArrayList<>();
    private final Map<Class<?>, List<Route>> routesByClass = new HashMap<>();
    private final WarehouseSession session;
    private final DeadLetterChannel deadLetters;
    private final WarehouseWriterMetrics metrics;
    private final ProcessingTimeService time;
    private long lastFlushMillis;

    @SuppressWarnings("unchecked")
    WarehouseWriter(Config<T> config, WriterInitContext context) throws IOException, InterruptedException {
        this.config = config;
        for (WarehouseTable<? extends T> table : config.tables()) {
            routes.add(new Route((WarehouseTable<Object>) table, new KeyedBatch(table), new MergeSql(table, config.dialect())));
        }
        this.metrics = new WarehouseWriterMetrics(
                context.metricGroup(), routes.stream().map(r -> r.table().name()).toList(), this::bufferedRows);
        this.session = new WarehouseSession(config.jdbc(), config.dialect(), config.maxRetryDuration(), metrics);
        this.deadLetters = config.deadLetters().open();
        this.time = context.getProcessingTimeService();
        try {
            if (config.applySchema()) {
                session.applySchema();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        this.lastFlushMillis = time.getCurrentProcessingTime();
        scheduleIntervalFlush();
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        List<Route> targets = routesByClass.computeIfAbsent(element.getClass(), this::routesFor);
        if (targets.isEmpty()) {
            deadLetter(null, null, INVALID_VALUE, "no warehouse table takes records of type "
                    + element.getClass().getName(), String.valueOf(element).getBytes(StandardCharsets.UTF_8));
            return;
        }
        for (Route route : targets) {
            Object[] row;
            try {
                row = route.table().rowOf(element);
            } catch (RuntimeException e) {
                deadLetter(route, null, INVALID_VALUE, "cannot build a " + route.table().name() + " row: " + e,
                        String.valueOf(element).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            boolean delete = route.table().isDelete(element);
            String problem = delete ? RowValidator.problemWithDelete(route.table(), row)
                    : RowValidator.problemWith(route.table(), row);
            if (problem != null) {
                deadLetter(route, row, INVALID_VALUE, route.table().name() + ": " + problem, null);
                continue;
            }
            route.batch().add(row, delete);
        }
        if (bufferedRows() >= config.batchSize()) {
            flushBuffers();
        }
    }

    /** Called by Flink before every checkpoint barrier and at end of input: everything becomes durable. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffers();
        deadLetters.flush();
    }

    private void flushBuffers() throws IOException, InterruptedException {
        for (Route route : routes) {
            if (route.batch().isEmpty()) {
                continue;
            }
            metrics.collapsed(route.table().name(), route.batch().collapsedCount());
            List<Object[]> deletes = route.batch().drainDeletes();
            List<Object[]> rows = route.batch().drain();
            long start = System.nanoTime();
            try {
                // a key is either deleted or written in one flush (KeyedBatch), so the two statements' order is free
                if (!deletes.isEmpty()) {
                    Bisector.writeIsolatingRejects(deletes,
                            part -> metrics.deleted(route.table().name(), session.deleteBatch(route.sql(), part)),
                            (row, reason) -> deadLetter(route, row, SINK_REJECTED,
                                    route.table().name() + ": the warehouse refused the delete: " + reason, null));
                }
                Bisector.writeIsolatingRejects(rows,
                        part -> {
                            session.writeBatch(route.sql(), route.table(), part);
                            metrics.written(route.table().name(), part.size());
                        },
                        (row, reason) -> deadLetter(route, row, SINK_REJECTED,
                                route.table().name() + ": the warehouse refused the row: " + reason, null));
            } catch (IOException | InterruptedException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("writing " + route.table().name() + " failed", e);
            }
            metrics.batch((System.nanoTime() - start) / 1_000_000);
        }
        lastFlushMillis = time.getCurrentProcessingTime();
    }

    private void scheduleIntervalFlush() {
        long interval = config.flushInterval().toMillis();
        time.registerTimer(time.getCurrentProcessingTime() + interval, now -> {
            if (now - lastFlushMillis >= interval && bufferedRows() > 0) {
                flushBuffers();
            }
            scheduleIntervalFlush();
        });
    }

    private List<Route> routesFor(Class<?> type) {
        return routes.stream().filter(r -> r.table().recordClass().isAssignableFrom(type)).toList();
    }

    private long bufferedRows() {
        long n = 0;
        for (Route route : routes) {
            n += route.batch().size();
        }
        return n;
    }

    private void deadLetter(Route route, Object[] row, String code, String reason, byte[] payload) {
        WarehouseTable<?> table = route == null ? null : route.table();
        byte[] body = payload != null ? payload : RowJson.render(table, row);
        byte[] key = table != null && row != null ? RowJson.key(table, row) : null;
        DeadLetter letter = DeadLetters.of(config.flow(), config.operatorUid(), code, reason,
                new DeadLetters.Source(null, null, null, null, key), body);
        deadLetters.send(letter);
        if (table != null) {
            metrics.rejected(table.name());
        }
        LOG.warn("Dead-lettered a row: {}", reason);
    }

    /**
     * Releases the connection and the dead-letter channel. Never throws: Flink 2.2 turns an exception from a
     * writer's close() during task cleanup into a fatal error that stops the whole TaskManager. Rows still
     * buffered are not lost: they were not covered by a completed checkpoint and will be replayed.
     */
    @Override
    public void close() {
        try {
            session.close();
        } catch (Throwable t) {
            LOG.warn("Closing the warehouse connection failed", t);
        }
        try {
            if (deadLetters != null) {
                deadLetters.close();
            }
        } catch (Throwable t) {
            LOG.warn("Closing the dead-letter channel failed", t);
        }
    }
}
