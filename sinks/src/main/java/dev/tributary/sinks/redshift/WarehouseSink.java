package dev.tributary.sinks.redshift;

import dev.tributary.sinks.deadletter.DeadLetterChannel;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Tributary's warehouse sink: Amazon Redshift in production, PostgreSQL locally.
 *
 * <p>Each writer buffers rows per table (one per key, greatest version kept), and on every flush — when the
 * batch is full, when the flush interval passes, and always before a checkpoint barrier — loads each
 * table's rows into a session-local staging table and MERGEs them into the table with a version guard, one
 * transaction per table. That makes the sink at-least-once, and the idempotent MERGE makes a replay write
 * nothing new: effectively exactly-once. Rows the database refuses go to the dead-letter channel with its
 * message; a database that is down is retried with backoff (the job backpressures) up to a maximum
 * duration, then the writer fails and the job restarts from its last checkpoint. Closing never throws.
 *
 * <p>Key the stream by the table key (or by something that determines it) before the sink: two writers
 * inserting the same new key at once conflict on PostgreSQL and duplicate on Redshift, which does not
 * enforce primary keys.
 *
 * @param <T> the record type; each record is written to every configured table whose record class it is an
 *     instance of
 */
public final class WarehouseSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_BATCH_SIZE = 5_000;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_MAX_RETRY_DURATION = Duration.ofMinutes(2);

    private final JdbcSettings jdbc;
    private final WarehouseDialect dialect;
    private final List<WarehouseTable<? extends T>> tables;
    private final int batchSize;
    private final Duration flushInterval;
    private final Duration maxRetryDuration;
    private final boolean applySchema;
    private final DeadLetterChannel.Factory deadLetters;
    private final String flow;
    private final String operatorUid;

    private WarehouseSink(Builder<T> b) {
        this.jdbc = new JdbcSettings(b.url, b.user, b.password);
        this.dialect = b.dialect != null ? b.dialect : WarehouseDialect.forUrl(b.url);
        this.tables = List.copyOf(b.tables);
        this.batchSize = b.batchSize;
        this.flushInterval = b.flushInterval;
        this.maxRetryDuration = b.maxRetryDuration;
        this.applySchema = b.applySchema;
        this.deadLetters = b.deadLetters;
        this.flow = b.flow;
        this.operatorUid = b.operatorUid;
    }

    /** A sink writing each record to one or more tables (add them with {@link Builder#table}). */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** A sink writing every record to one table. */
    public static <T> Builder<T> forTable(WarehouseTable<T> table) {
        return new Builder<T>().table(table);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        WarehouseWriter.Config<T> config = new WarehouseWriter.Config<>(
                jdbc, dialect, tables, batchSize, flushInterval, maxRetryDuration, applySchema, deadLetters, flow,
                operatorUid);
        try {
            return new WarehouseWriter<>(config, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the warehouse writer", e);
        }
    }

    public List<WarehouseTable<? extends T>> tables() {
        return tables;
    }

    public WarehouseDialect dialect() {
        return dialect;
    }

    @Override
    public String toString() {
        return "WarehouseSink{" + jdbc + ", dialect=" + dialect + ", tables="
                + tables.stream().map(WarehouseTable::name).toList() + ", batchSize=" + batchSize
                + ", flushInterval=" + flushInterval + ", maxRetryDuration=" + maxRetryDuration + "}";
    }

    public static final class Builder<T> {
        private String url;
        private String user;
        private String password;
        private WarehouseDialect dialect;
        private final List<WarehouseTable<? extends T>> tables = new ArrayList<>();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private Duration maxRetryDuration = DEFAULT_MAX_RETRY_DURATION;
        private boolean applySchema = true;
        private DeadLetterChannel.Factory deadLetters;
        private String flow;
        private String operatorUid;

        private Builder() {}

        /** {@code jdbc:postgresql://...} or {@code jdbc:redshift://...}; also picks the dialect. */
        public Builder<T> jdbcUrl(String jdbcUrl) {
            this.url = jdbcUrl;
            return this;
        }

        public Builder<T> user(String user) {
            this.user = user;
            return this;
        }

        /** A value the caller read from the environment; never logged. */
        public Builder<T> password(String password) {
            this.password = password;
            return this;
        }

        public Builder<T> table(WarehouseTable<? extends T> table) {
            this.tables.add(Objects.requireNonNull(table, "table"));
            return this;
        }

        /** Rows buffered (after collapsing duplicate keys) before a flush; default {@value #DEFAULT_BATCH_SIZE}. */
        public Builder<T> batchSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("batchSize must be positive");
            }
            this.batchSize = rows;
            return this;
        }

        /** Longest time a row waits in the buffer when the stream is slow; default 2 s. */
        public Builder<T> flushInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("flushInterval must be positive");
            }
            this.flushInterval = interval;
            return this;
        }

        /** How long an unreachable database is retried before the writer fails; default 2 min. */
        public Builder<T> maxRetryDuration(Duration duration) {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("maxRetryDuration must not be negative");
            }
            this.maxRetryDuration = duration;
            return this;
        }

        /** Whether writers create missing tables from {@code warehouse/ddl} at start; default true. */
        public Builder<T> applySchema(boolean apply) {
            this.applySchema = apply;
            return this;
        }

        /** Overrides the dialect the URL implies (e.g. to run the Redshift SQL against PostgreSQL in tests). */
        public Builder<T> dialect(WarehouseDialect dialect) {
            this.dialect = dialect;
            return this;
        }

        /**
         * Where refused rows go (required), and how their dead letters name their origin.
         *
         * @param flow the flow, e.g. {@code telemetry}
         * @param operatorUid the uid given to the sink operator, e.g. {@code telemetry-warehouse-sink}
         */
        public Builder<T> deadLetters(DeadLetterChannel.Factory channel, String flow, String operatorUid) {
            this.deadLetters = Objects.requireNonNull(channel, "channel");
            this.flow = Objects.requireNonNull(flow, "flow");
            this.operatorUid = Objects.requireNonNull(operatorUid, "operatorUid");
            return this;
        }

        public WarehouseSink<T> build() {
            if (url == null) {
                throw new IllegalStateException("jdbcUrl is required");
            }
            if (tables.isEmpty()) {
                throw new IllegalStateException("at least one table is required");
            }
            if (tables.stream().map(WarehouseTable::name).distinct().count() != tables.size()) {
                throw new IllegalStateException("a table is configured twice");
            }
            if (deadLetters == null) {
                throw new IllegalStateException("deadLetters(...) is required: refused rows must go somewhere");
            }
            return new WarehouseSink<>(this);
        }
    }
}
