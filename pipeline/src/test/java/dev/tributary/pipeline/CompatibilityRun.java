package dev.tributary.pipeline;

import dev.tributary.events.HoverboardReading;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The fixed run a release's compatibility savepoint is taken from ({@link MakeCompatSavepoint}) and that later
 * releases restore ({@link CompatSavepointIT}). Kafka source state names its topics and partitions, so the run uses
 * fixed topic names per release ({@code compat-<release>-<topic>}), recreated empty each time, and a fixed input:
 * readings 1..{@value #BEFORE_SAVEPOINT} before the savepoint, the rest after. Producing the same keys in the same
 * order puts the same readings at the same offsets, so a restored job that continues from the savepoint's offsets
 * emits exactly the readings after {@value #BEFORE_SAVEPOINT}.
 */
final class CompatibilityRun {

    static final int PARTITIONS = 2;
    static final int PARALLELISM = 2;
    static final int BEFORE_SAVEPOINT = 100;
    static final int TOTAL = 200;

    private CompatibilityRun() {}

    /**
     * Where a kept savepoint is in the source tree: {@code <release>} for a release's, {@code <release>-<label>} for
     * one taken from another graph of that release's run (see the directory's README).
     */
    static Path savepointDir(String savepoint) {
        return StackEnv.repoRoot().resolve("pipeline/src/test/resources/savepoints").resolve(savepoint);
    }

    /** The release whose fixed topics a kept savepoint's Kafka state names: its name up to the first '-'. */
    static String release(String savepoint) {
        int dash = savepoint.indexOf('-');
        return dash < 0 ? savepoint : savepoint.substring(0, dash);
    }

    static FreshTopics topics(String savepoint) {
        String p = "compat-" + release(savepoint) + "-";
        return new FreshTopics(p + "hoverboard", p + "customer", p + "trip", p + "announced", p + "requested",
                p + "observations", p + "validated", p + "dead-letter", p + "alerts");
    }

    /** Deletes the release's topics if they exist and creates them empty. */
    static FreshTopics recreateTopics(String release) throws Exception {
        FreshTopics t = topics(release);
        List<String> names = List.of(t.hoverboard(), t.customer(), t.trip(), t.announced(), t.requested(),
                t.observations(), t.validated(), t.deadLetter(), t.alerts());
        try (Admin admin = Admin.create(KafkaTestSupport.clientProperties())) {
            Set<String> existing = admin.listTopics().names().get();
            List<String> old = names.stream().filter(existing::contains).toList();
            if (!old.isEmpty()) {
                admin.deleteTopics(old).all().get();
                // deletion completes asynchronously on the broker: creation fails until the names are free
                Instant end = Instant.now().plus(Duration.ofMinutes(1));
                while (admin.listTopics().names().get().stream().anyMatch(old::contains)) {
                    if (Instant.now().isAfter(end)) {
                        throw new IllegalStateException("topics " + old + " still exist a minute after their deletion");
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
            createWhenFree(admin, names);
        }
        return t;
    }

    private static void createWhenFree(Admin admin, List<String> names) throws Exception {
        Instant end = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            try {
                admin.createTopics(names.stream().map(n -> new NewTopic(n, PARTITIONS, (short) 1)).toList()).all().get();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) || Instant.now().isAfter(end)) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    /** Readings {@code from..to} of five devices, keyed by device id, timestamped now (the validator rejects old ones). */
    static List<Map.Entry<String, byte[]>> readings(int from, int to) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            HoverboardReading r = HoverboardReading.newBuilder().setDeviceId("device-" + seq % 5).setSeq(seq)
                    .setEventTime(Instant.now()).setBatteryPct(50).setTemperatureC(20).build();
            ByteBuffer b = r.toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.add(new SimpleEntry<>(r.getDeviceId(), bytes));
        }
        return out;
    }

    /**
     * The production graph with every flow of this release, on the release's topics, built into the context's
     * environment (a MiniCluster's when one is the context).
     */
    static StreamExecutionEnvironment environment(String release) {
        Map<String, String> values = new HashMap<>(topics(release).settings());
        values.put("kafka.transactional-id-prefix", "compat-" + release(release));
        values.put("flows", TributaryJob.FLOWS.keySet().stream().map(f -> f.name().toLowerCase()).sorted()
                .collect(Collectors.joining(",")));
        values.put("warehouse.jdbc-url", StackEnv.pgUrl());
        values.put("warehouse.user", StackEnv.pgUser());
        values.put("warehouse.password", StackEnv.pgPassword().isEmpty() ? "unset" : StackEnv.pgPassword());
        values.put("search.url", StackEnv.esUrl());
        // the lake flow on local directories: this run checks state compatibility, not S3
        java.nio.file.Path lake = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "tributary-compat-lake-" + release);
        try {
            java.nio.file.Files.createDirectories(lake.resolve("landing"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        values.put("lake.raw-zone", lake.resolve("raw").toUri().toString());
        values.put("lake.landing", lake.resolve("landing").toUri().toString());
        JobSettings settings = JobSettings.parse(values, Map.of());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(Tributary.runtimeOptions());
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(500);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        return env;
    }
}
