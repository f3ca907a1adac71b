package dev.tributary.bench;

import dev.tributary.events.HoverboardReading;
import dev.tributary.sinks.deadletter.DeadLetterChannel;
import dev.tributary.sinks.redshift.WarehouseDialect;
import dev.tributary.sinks.redshift.WarehouseSchema;
import dev.tributary.sinks.redshift.WarehouseSink;
import dev.tributary.sinks.redshift.WarehouseTables;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;

/**
 * Pushes N readings (default 200 000) through {@link WarehouseSink} in a local Flink MiniCluster
 * (parallelism 2, keyBy device) and, in the same run and database, a plain {@code COPY FROM STDIN} of the same
 * rows into the same table; prints rows/s of each and their ratio. Each side gets a fresh schema.
 *
 * <p>Args: {@code [rows] [POSTGRESQL|REDSHIFT]} (REDSHIFT runs the sink's Redshift SQL and INSERT loader
 * against PostgreSQL). Connection from TRIBUTARY_PG_URL / _USER / _PASSWORD.
 */
public final class WarehouseSinkBench {

    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    private static final int DEVICES = 500;

    public static void main(String[] args) throws Exception {
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        WarehouseDialect dialect = args.length > 1 ? WarehouseDialect.valueOf(args[1]) : WarehouseDialect.POSTGRESQL;
        String base = env("TRIBUTARY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/tributary");
        String user = env("TRIBUTARY_PG_USER", "tributary");
        String password = env("TRIBUTARY_PG_PASSWORD", "");

        // warm-up: JIT, class loading, the first MiniCluster start
        runSink(freshSchema(base, user, password, "bench_warmup"), user, password, 20_000, dialect);

        String copyUrl = freshSchema(base, user, password, "bench_copy");
        long copyNanos = runCopy(copyUrl, user, password, rows);
        check(copyUrl, user, password, rows);

        String upsertUrl = freshSchema(base, user, password, "bench_upsert");
        long upsertNanos = PlainLoaders.copyThenUpsert(upsertUrl, user, password, WarehouseTables.READINGS, rows,
                WarehouseSink.DEFAULT_BATCH_SIZE, WarehouseSinkBench::reading);
        check(upsertUrl, user, password, rows);

        String sinkUrl = freshSchema(base, user, password, "bench_sink");
        long[] sink = runSink(sinkUrl, user, password, rows, dialect);
        check(sinkUrl, user, password, rows);

        double copyRate = rows / (copyNanos / 1e9);
        double jobRate = rows / (sink[0] / 1e9);
        double flowRate = rows / (sink[1] / 1e9);
        System.out.printf(Locale.ROOT, "rows: %d, dialect: %s%n", rows, dialect);
        System.out.printf(Locale.ROOT, "plain COPY FROM STDIN:          %9.0f rows/s (%.2f s)%n", copyRate, copyNanos / 1e9);
        double upsertRate = rows / (upsertNanos / 1e9);
        System.out.printf(Locale.ROOT, "plain COPY to staging + upsert: %9.0f rows/s (%.2f s, batches of %d, idempotent)%n",
                upsertRate, upsertNanos / 1e9, WarehouseSink.DEFAULT_BATCH_SIZE);
        System.out.printf(Locale.ROOT, "WarehouseSink, whole job:       %9.0f rows/s (%.2f s, incl. job start/stop)%n",
                jobRate, sink[0] / 1e9);
        System.out.printf(Locale.ROOT, "WarehouseSink, first row→done:  %9.0f rows/s (%.2f s)%n", flowRate, sink[1] / 1e9);
        System.out.printf(Locale.ROOT, "ratio sink/COPY: %.2f (whole job), %.2f (first row→done); goal ≥ 0.8%n",
                jobRate / copyRate, flowRate / copyRate);
        System.out.printf(Locale.ROOT, "ratio sink/(COPY to staging + upsert): %.2f (whole job), %.2f (first row→done)%n",
                jobRate / upsertRate, flowRate / upsertRate);
        System.out.println("load average at end: " + CpuMeter.loadAverage());
    }

    static HoverboardReading reading(long index) {
        long seq = index / DEVICES;
        return HoverboardReading.newBuilder().setDeviceId("dev-" + (index % DEVICES)).setSeq(seq)
                .setEventTime(T0.plusMillis(index)).setBatteryPct(100 - seq % 100).setTemperatureC(20.5)
                .setSpeedKmh(12.25).setLatitude(48.1).setLongitude(11.5)
                .setErrorCode(index % 50 == 0 ? "E42" : null).build();
    }

    /** Wall time of the job, and time from its first generated record to its end. */
    private static long[] runSink(String url, String user, String password, long rows, WarehouseDialect dialect)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        FirstRecord.NANOS = 0;
        env.fromSource(new DataGeneratorSource<>(index -> {
                            FirstRecord.mark();
                            return reading(index);
                        }, rows, RateLimiterStrategy.noOp(), new AvroTypeInfo<>(HoverboardReading.class)),
                        WatermarkStrategy.noWatermarks(), "readings")
                .uid("bench-readings").name("readings")
                .keyBy(HoverboardReading::getDeviceId)
                .sinkTo(WarehouseSink.forTable(WarehouseTables.READINGS)
                        .jdbcUrl(url).user(user).password(password).dialect(dialect)
                        .deadLetters(FailOnDeadLetter.factory(), "bench", "bench-warehouse")
                        .build())
                .uid("bench-warehouse").name("readings → warehouse");
        long start = System.nanoTime();
        env.execute("warehouse-sink-bench");
        long end = System.nanoTime();
        return new long[] {end - start, end - FirstRecord.NANOS};
    }

    private static long runCopy(String url, String user, String password, long rows) throws Exception {
        return PlainLoaders.copy(url, user, password, WarehouseTables.READINGS, rows, WarehouseSinkBench::reading);
    }

    static String freshSchema(String base, String user, String password, String schema) throws SQLException {
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
            c.setAutoCommit(false);
            WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
        }
        return url;
    }

    private static void check(String url, String user, String password, long rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM readings")) {
            rs.next();
            if (rs.getLong(1) != rows) {
                throw new IllegalStateException("expected " + rows + " rows, found " + rs.getLong(1));
            }
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    /** When the source generated its first record (same JVM: the MiniCluster runs in-process). */
    static final class FirstRecord {
        static volatile long NANOS;

        static void mark() {
            if (NANOS == 0) {
                NANOS = System.nanoTime();
            }
        }
    }

    /** The benchmark's rows are all valid: a dead letter means the benchmark is broken. */
    static final class FailOnDeadLetter implements DeadLetterChannel {
        static Factory factory() {
            return FailOnDeadLetter::new;
        }

        @Override
        public void send(dev.tributary.events.DeadLetter letter) {
            throw new IllegalStateException("unexpected dead letter: " + letter.getReason());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
