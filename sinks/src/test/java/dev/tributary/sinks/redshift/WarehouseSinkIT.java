package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tributary.events.ChangeOp;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The warehouse sink in a real Flink job (MiniCluster) against the local stack's PostgreSQL. */
class WarehouseSinkIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");

    private static StreamExecutionEnvironment env(int parallelism) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        return env;
    }

    private static <T> WarehouseSink.Builder<T> sink(
            TestDatabase db, WarehouseDialect dialect, String letters, WarehouseTable<T> table) {
        return WarehouseSink.forTable(table)
                .jdbcUrl(db.url()).user(TestDatabase.user()).password(TestDatabase.password())
                .dialect(dialect)
                .deadLetters(CollectingDeadLetters.factory(letters), "telemetry", "telemetry-warehouse-sink");
    }

    static HoverboardReading reading(String device, long seq) {
        return HoverboardReading.newBuilder().setDeviceId(device).setSeq(seq).setEventTime(T0.plusMillis(seq))
                .setBatteryPct(100 - seq % 100).setTemperatureC(20.5).setSpeedKmh(12.25)
                .setLatitude(seq % 2 == 0 ? null : 48.1).setLongitude(seq % 2 == 0 ? null : 11.5)
                .setErrorCode(seq % 7 == 0 ? "E\t\"tab\"\nline\\" : null)
                .build();
    }

    private static Customer customer(int id, long version) {
        return Customer.newBuilder().setCustomerId("c" + id).setName("name-" + id + "-v" + version)
                .setEmail(version % 3 == 0 ? null : "c" + id + "@example.org").setTier("gold")
                .setVersion(version).setUpdatedAt(T0.plusSeconds(version)).build();
    }

    @ParameterizedTest
    @EnumSource(WarehouseDialect.class)
    void duplicatesAndOutOfOrderVersionsLeaveOneRowPerKeyWithTheGreatestVersion(WarehouseDialect dialect)
            throws Exception {
        TestDatabase db = TestDatabase.redshiftLike("it_versions_" + dialect.name().toLowerCase());
        int customers = 300;
        int versions = 8;
        List<Customer> input = new ArrayList<>();
        for (int c = 0; c < customers; c++) {
            for (int v = 1; v <= versions; v++) {
                input.add(customer(c, v));
                input.add(customer(c, v)); // exact duplicate, as a replay would send
            }
        }
        Collections.shuffle(input, new Random(42));

        StreamExecutionEnvironment env = env(2);
        // small batches and a short interval, so versions of one key land in different batches
        env.fromData(new AvroTypeInfo<>(Customer.class), input.toArray(Customer[]::new))
                .uid("customers").name("customers")
                .keyBy(Customer::getCustomerId)
                .sinkTo(sink(db, dialect, "versions-" + dialect, WarehouseTables.CUSTOMERS).batchSize(97).build())
                .uid("customers-warehouse").name("customers → warehouse");
        env.execute("versions");

        assertThat(db.count("SELECT count(*) FROM customers")).isEqualTo(customers);
        assertThat(db.count("SELECT count(*) FROM customers WHERE version = " + versions)).isEqualTo(customers);
        assertThat(db.rows("SELECT name, email, updated_at FROM customers WHERE customer_id = 'c7'"))
                .containsExactly("name-7-v8|c7@example.org|2026-11-01 12:00:08");

        // a replay of old versions after the fact changes nothing
        StreamExecutionEnvironment replay = env(2);
        replay.fromData(new AvroTypeInfo<>(Customer.class), customer(7, 3), customer(7, 8), customer(1000, 1))
                .uid("customers").name("customers")
                .keyBy(Customer::getCustomerId)
                .sinkTo(sink(db, dialect, "versions-replay-" + dialect, WarehouseTables.CUSTOMERS).build())
                .uid("customers-warehouse").name("customers → warehouse");
        replay.execute("replay");
        assertThat(db.rows("SELECT name FROM customers WHERE customer_id = 'c7'")).containsExactly("name-7-v8");
        assertThat(db.count("SELECT count(*) FROM customers")).isEqualTo(customers + 1);
        // Redshift keeps a second row for a key (the tables enforce none): every version and replay left one row
        assertThat(db.duplicateKeys()).as("keys held by more than one row").isEmpty();
    }

    /**
     * Change events as change data capture delivers them: in order per key (one Kafka partition per key), keys
     * interleaved, every change sent twice (Connect resends after a crash), and deletes among them, some followed by
     * a new row of the same key. Small batches, so a key's write and delete land in the same batch and in different
     * ones. Then the second half is replayed: nothing changes.
     */
    @ParameterizedTest
    @EnumSource(WarehouseDialect.class)
    void changeEventsUpsertAndDeleteRowsAndAReplayChangesNothing(WarehouseDialect dialect) throws Exception {
        TestDatabase db = TestDatabase.redshiftLike("it_changes_" + dialect.name().toLowerCase());
        Random random = new Random(11);
        List<List<CustomerChange>> histories = new ArrayList<>();
        java.util.Map<String, CustomerChange> last = new java.util.HashMap<>();
        long position = 1_000;
        for (int c = 0; c < 200; c++) {
            List<CustomerChange> history = new ArrayList<>();
            int changes = 1 + random.nextInt(6);
            for (int i = 0; i < changes; i++) {
                boolean delete = i > 0 && random.nextInt(3) == 0;
                history.add(change("s" + c, delete, position += 1 + random.nextInt(50), i));
            }
            histories.add(history);
            last.put("s" + c, history.get(history.size() - 1));
        }
        List<CustomerChange> stream = new ArrayList<>(); // keys interleaved, each key's changes in order, each twice
        for (boolean more = true; more; ) {
            more = false;
            for (List<CustomerChange> history : histories) {
                if (!history.isEmpty()) {
                    CustomerChange next = history.remove(0);
                    stream.add(next);
                    stream.add(next);
                    more = true;
                }
            }
        }
        runChanges(db, dialect, stream, "changes-" + dialect);
        List<String> expected = last.values().stream().filter(c -> c.getOp() == ChangeOp.UPSERT)
                .map(c -> c.getCustomerId() + "|" + c.getName() + "|" + c.getPosition()).toList();
        assertThat(expected.size()).as("the history deletes some customers and keeps others").isBetween(50, 199);
        assertThat(db.rows("SELECT customer_id, name, version FROM customers")).containsExactlyInAnyOrderElementsOf(expected);

        runChanges(db, dialect, stream.subList(stream.size() / 2, stream.size()), "changes-replay-" + dialect);
        assertThat(db.rows("SELECT customer_id, name, version FROM customers")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(CollectingDeadLetters.delivered("changes-" + dialect)).isEmpty();
        assertThat(db.duplicateKeys()).as("keys held by more than one row").isEmpty();
    }

    private static CustomerChange change(String id, boolean delete, long position, int step) {
        CustomerChange.Builder b = CustomerChange.newBuilder().setCustomerId(id).setPosition(position)
                .setUpdatedAt(T0.plusSeconds(step));
        return delete ? b.setOp(ChangeOp.DELETE).build()
                : b.setOp(ChangeOp.UPSERT).setName(id + "@" + position).setTier("gold").build();
    }

    private static void runChanges(TestDatabase db, WarehouseDialect dialect, List<CustomerChange> changes, String letters)
            throws Exception {
        StreamExecutionEnvironment env = env(2);
        env.fromData(new AvroTypeInfo<>(CustomerChange.class), changes.toArray(CustomerChange[]::new))
                .setParallelism(1).uid("changes").name("changes")
                .keyBy(CustomerChange::getCustomerId)
                .sinkTo(sink(db, dialect, letters, WarehouseTables.CUSTOMER_CHANGES).batchSize(37).build())
                .uid("changes-warehouse").name("customer changes → warehouse");
        env.execute(letters);
    }

    @ParameterizedTest
    @EnumSource(WarehouseDialect.class)
    void poisonRowsAreDeadLetteredAndTheRestOfTheirBatchIsWritten(WarehouseDialect dialect) throws Exception {
        TestDatabase db = TestDatabase.redshiftLike("it_poison_" + dialect.name().toLowerCase());
        String letters = "poison-" + dialect;
        List<HoverboardReading> input = new ArrayList<>();
        for (long seq = 0; seq < 1000; seq++) {
            input.add(reading("d1", seq));
        }
        // caught before the database: a NUL character, which PostgreSQL and Redshift cannot store
        input.set(100, HoverboardReading.newBuilder(reading("d1", 100)).setErrorCode("bad\u0000code").build());
        // passes the cheap checks, refused by the database (a timestamp it cannot parse): found by bisecting
        input.set(500, HoverboardReading.newBuilder(reading("d1", 500))
                .setEventTime(Instant.parse("+300000-01-01T00:00:00Z")).build());
        input.set(501, HoverboardReading.newBuilder(reading("d1", 501))
                .setEventTime(Instant.parse("+300001-01-01T00:00:00Z")).build());

        StreamExecutionEnvironment env = env(1);
        env.fromData(new AvroTypeInfo<>(HoverboardReading.class), input.toArray(HoverboardReading[]::new))
                .uid("readings").name("readings")
                .keyBy(HoverboardReading::getDeviceId)
                .sinkTo(sink(db, dialect, letters, WarehouseTables.READINGS).batchSize(1000)
                        .flushInterval(Duration.ofMinutes(10)).build())
                .uid("readings-warehouse").name("readings → warehouse");
        env.execute("poison");

        assertThat(db.count("SELECT count(*) FROM readings")).isEqualTo(997);
        assertThat(db.count("SELECT count(*) FROM readings WHERE seq IN (100, 500, 501)")).isZero();
        assertThat(db.rows("SELECT error_code FROM readings WHERE seq = 7")).containsExactly("E\t\"tab\"\nline\\");

        List<DeadLetter> dead = CollectingDeadLetters.delivered(letters);
        assertThat(dead).extracting(DeadLetter::getReasonCode)
                .containsExactlyInAnyOrder("INVALID_VALUE", "SINK_REJECTED", "SINK_REJECTED");
        DeadLetter nul = dead.stream().filter(d -> d.getReasonCode().equals("INVALID_VALUE")).findFirst().orElseThrow();
        assertThat(nul.getReason()).contains("error_code").contains("NUL");
        assertThat(nul.getFlow()).isEqualTo("telemetry");
        assertThat(nul.getOperator()).isEqualTo("telemetry-warehouse-sink");
        assertThat(new String(nul.getKey().array(), StandardCharsets.UTF_8)).isEqualTo("readings/d1/100/" + reading("d1", 100).getEventTime());
        assertThat(StandardCharsets.UTF_8.decode(nul.getPayload()).toString())
                .startsWith("{\"table\":\"readings\",\"row\":{\"device_id\":\"d1\",\"seq\":100,");
        assertThat(dead).filteredOn(d -> d.getReasonCode().equals("SINK_REJECTED"))
                .allSatisfy(d -> assertThat(d.getReason()).contains("out of range"));
    }

    /** Fails the job once, when half the records have passed, to force a restart from the last checkpoint. */
    static final class FailOnce implements MapFunction<HoverboardReading, HoverboardReading> {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong SEEN = new AtomicLong();
        private final long failAt;

        FailOnce(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public HoverboardReading map(HoverboardReading value) {
            if (SEEN.incrementAndGet() >= failAt && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + failAt + " records");
            }
            return value;
        }
    }

    private static DataGeneratorSource<HoverboardReading> readings(long count, double perSecond) {
        return new DataGeneratorSource<>(
                index -> reading("dev-" + (index % 50), index / 50), count,
                RateLimiterStrategy.perSecond(perSecond), new AvroTypeInfo<>(HoverboardReading.class));
    }

    private static StreamExecutionEnvironment checkpointedEnv() {
        StreamExecutionEnvironment env = env(2);
        env.enableCheckpointing(200);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        env.configure(restart);
        return env;
    }

    @Test
    void aFailureAndRestartFromTheCheckpointWritesEveryRowExactlyOnce() throws Exception {
        TestDatabase db = TestDatabase.redshiftLike("it_failover");
        long n = 12_000;
        FailOnce.FAILED.set(false);
        FailOnce.SEEN.set(0);

        StreamExecutionEnvironment env = checkpointedEnv();
        DataStream<HoverboardReading> source = env
                .fromSource(readings(n, 4000), WatermarkStrategy.noWatermarks(), "readings")
                .uid("readings").name("readings");
        source.map(new FailOnce(n / 2)).uid("fail-once").name("fail once")
                .keyBy(HoverboardReading::getDeviceId)
                .sinkTo(sink(db, WarehouseDialect.POSTGRESQL, "failover", WarehouseTables.READINGS)
                        .batchSize(500).flushInterval(Duration.ofMillis(100)).build())
                .uid("readings-warehouse").name("readings → warehouse");
        env.execute("failover");

        assertThat(FailOnce.FAILED).isTrue();
        assertThat(db.count("SELECT count(*) FROM readings")).isEqualTo(n);
        // without enforced keys (as on Redshift) a row written twice would stay and count
        assertThat(db.duplicateKeys()).as("keys held by more than one row").isEmpty();
    }

    @Test
    void aDatabaseRestartMidStreamIsRiddenOutAndEveryRowIsWrittenOnce() throws Exception {
        TestDatabase db = TestDatabase.redshiftLike("it_db_restart");
        long n = 16_000;

        StreamExecutionEnvironment env = checkpointedEnv();
        env.fromSource(readings(n, 2000), WatermarkStrategy.noWatermarks(), "readings")
                .uid("readings").name("readings")
                .keyBy(HoverboardReading::getDeviceId)
                .sinkTo(sink(db, WarehouseDialect.POSTGRESQL, "db-restart", WarehouseTables.READINGS)
                        .batchSize(500).flushInterval(Duration.ofMillis(100)).build())
                .uid("readings-warehouse").name("readings → warehouse");
        JobClient job = env.executeAsync("db-restart");

        TestDatabase.awaitCondition("the first rows in the warehouse", Duration.ofMinutes(1),
                () -> db.countOrMinusOne("SELECT count(*) FROM readings") >= 2000);
        restartDatabase();
        long afterRestart = db.count("SELECT count(*) FROM readings");

        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        assertThat(afterRestart).as("the job was still writing when the database restarted").isLessThan(n);
        assertThat(db.count("SELECT count(*) FROM readings")).isEqualTo(n);
        // without enforced keys (as on Redshift) a row written twice would stay and count
        assertThat(db.duplicateKeys()).as("keys held by more than one row").isEmpty();
    }

    @Test
    void aSinkThatGivesUpFailsItsJobButNotTheTaskManager() throws Exception {
        TestDatabase db = TestDatabase.freshSchema("it_give_up");
        StreamExecutionEnvironment env = env(1);
        env.fromData(new AvroTypeInfo<>(HoverboardReading.class), reading("d1", 1), reading("d1", 2))
                .uid("readings").name("readings")
                .sinkTo(WarehouseSink.forTable(WarehouseTables.READINGS)
                        // nothing listens on port 1: every connection attempt is refused
                        .jdbcUrl("jdbc:postgresql://127.0.0.1:1/tributary").user("nobody").password("unused")
                        .applySchema(false).maxRetryDuration(Duration.ofMillis(500))
                        .deadLetters(CollectingDeadLetters.factory("give-up"), "telemetry", "telemetry-warehouse-sink")
                        .build())
                .uid("readings-warehouse").name("readings → warehouse");
        assertThatThrownBy(() -> env.execute("give-up"))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowableWithMessage(e, "gave up trying to write"))
                        .isPresent());

        // the same task manager still runs jobs: the failing writer's close() did not take it down
        StreamExecutionEnvironment next = env(2);
        next.fromData(new AvroTypeInfo<>(HoverboardReading.class), reading("d1", 1), reading("d2", 1))
                .uid("readings").name("readings")
                .keyBy(HoverboardReading::getDeviceId)
                .sinkTo(sink(db, WarehouseDialect.POSTGRESQL, "give-up-next", WarehouseTables.READINGS).build())
                .uid("readings-warehouse").name("readings → warehouse");
        next.execute("after-give-up");
        assertThat(db.count("SELECT count(*) FROM readings")).isEqualTo(2);
    }

    /** Runs TRIBUTARY_PG_RESTART_CMD (default {@code bin/stack restart postgres}) from the repository root. */
    private static void restartDatabase() throws Exception {
        String command = StackEnv.get("TRIBUTARY_PG_RESTART_CMD", null);
        // the default needs the checkout's bin/; an explicit command runs where the tests run
        File dir = command == null ? StackEnv.repoRoot().toFile() : new File(".");
        if (command == null) {
            command = "bin/stack restart postgres";
        }
        // output to a file, never inherited: a restarted server keeps it open, and an inherited pipe would
        // keep Maven waiting for the test JVM's output to end
        File log = new File("target/pg-restart.log");
        Process process = new ProcessBuilder("bash", "-c", command).directory(dir)
                .redirectErrorStream(true).redirectOutput(log).start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("restart command finished").isTrue();
        assertThat(process.exitValue()).as("exit code of: " + command + " (output in " + log.getAbsolutePath() + ")")
                .isZero();
    }
}
