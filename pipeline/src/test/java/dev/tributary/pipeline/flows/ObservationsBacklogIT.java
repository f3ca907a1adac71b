package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.observations.WindowIds;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FailOnce;
import dev.tributary.pipeline.FaultySources;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observations flow catching up on a backlog, as after downtime or a first deployment: 200 000 observations on
 * three topics of two partitions each, partitions of very unequal size over the same span of event time, disordered
 * within the out-of-orderness bound, all produced before the job starts; the job reads from the earliest offsets,
 * fails once mid-backlog, is stopped with a savepoint while producers go on (a second backlog, with a producer
 * whose clock is a day ahead mixed in), and is started again from the savepoint.
 *
 * <p>Every window's counts in the warehouse equal the counts this test computes from what it produced; the late
 * topic stays empty (nothing within the bound is late, however far ahead the fast partitions ran); each
 * far-future record is a dead letter with reason {@code EVENT_TIME_AHEAD} and its offset, and counted nowhere.
 */
class ObservationsBacklogIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final List<String> SOURCES = List.of("gbif", "obis", "idigbio");
    private static final String[] KINGDOMS = {"Animalia", "Plantae", "Fungi", "Chromista", "Bacteria"};
    /** Records per partition of the first backlog: unequal, 6 partitions, 200 000 in all. */
    private static final int[] FIRST = {70_000, 10_000, 45_000, 5_000, 50_000, 20_000};
    private static final int[] SECOND = {5_000, 1_000, 8_000, 500, 3_000, 2_500};
    private static final int CLOCK_AHEAD = 25;
    private static final String FAULT = "observations-backlog-it";

    @TempDir
    Path savepoints;

    private final Map<String, Long> expected = new TreeMap<>();
    private final Random random = new Random(11);
    private int unique;

    @Test
    void countsAreExactWhileCatchingUpThroughAFailureAStopAndAWrongClock() throws Exception {
        FreshTopics base = FreshTopics.create(2);
        List<String> topics = KafkaTestSupport.createTopics(2, "observations.gbif", "observations.obis", "observations.idigbio");
        String lateTopic = KafkaTestSupport.createTopics(2, "observations.late").get(0);
        String suffix = topics.get(0).substring(topics.get(0).lastIndexOf('-') + 1);
        WarehouseTestSchema db = WarehouseTestSchema.redshiftLike("obs_backlog_" + suffix.replace('-', '_'));
        Map<String, String> raw = new LinkedHashMap<>(base.settings());
        raw.put("flows", "observations");
        raw.put("topics.observations", String.join(",", topics));
        raw.put("topics.observations-late", lateTopic);
        raw.put("observations.window-size", "2min");
        raw.put("observations.max-out-of-orderness", BOUND.toSeconds() + "s");
        // after the restore from the failure, a partition the job had already read to its end emits no record, so
        // its watermark starts from nothing and watermark alignment holds every other partition back until the
        // partition is marked idle (Flink keeps no watermarks across restores): a short idle timeout bounds that
        // stall (Flink stops a split's idleness clock while alignment pauses it)
        raw.put("observations.idle-timeout", "20s");
        raw.put("observations.index-suffix", "-backlog-" + suffix);
        raw.putAll(db.jobSettings());
        raw.put("search.url", StackEnv.esUrl());
        JobSettings settings = WarehouseTestSchema.parse(raw);

        // the first backlog: 2 hours of event time, every partition over the whole span whatever its size
        Instant t0 = Instant.now().minus(Duration.ofHours(6)).truncatedTo(ChronoUnit.HOURS);
        produce(topics, FIRST, t0, Duration.ofHours(2), "a", 0);

        KafkaSources kafka = new KafkaSources(settings);
        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        Sources withFault = new FaultySources(kafka, topics.get(0), FAULT, FIRST[0] / 2);
        TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));
        JobClient job = env.executeAsync("observations-backlog-it-1");
        String savepoint;
        try {
            Await.until("half the first backlog stored", Duration.ofMinutes(5),
                    () -> db.countOrMinusOne("SELECT count(*) FROM observations") >= 100_000);
            FailOnce.assertRestoredAfterCommittedOutput(FAULT);
            savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL).get();
        } catch (Exception e) {
            job.cancel();
            throw e;
        }

        // while the job is stopped: a second backlog, later in event time, and a producer whose clock is a day ahead
        produce(topics, SECOND, t0.plus(Duration.ofHours(2)), Duration.ofMinutes(30), "b", CLOCK_AHEAD);
        // per partition a record an hour past the end: closes every window before it
        Instant end = t0.plus(Duration.ofHours(4));
        for (int p = 0; p < 6; p++) {
            Observation pusher = observation("push-" + p, SOURCES.get(p / 2), end);
            KafkaTestSupport.produce(topics.get(p / 2), p % 2, List.of(entry(pusher)));
        }

        StreamExecutionEnvironment env2 = TestEnvironments.withRestarts(3);
        TributaryJob.build(new FlowContext(env2, settings, kafka, new TributarySinks(settings)));
        StreamGraph graph = env2.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        JobClient restarted = env2.executeAsync(graph);
        try {
            Await.until("every window's counts stored", Duration.ofMinutes(5),
                    () -> db.countOrMinusOne("SELECT count(*) FROM observation_counts") >= expected.size());
            Map<String, Long> stored = new TreeMap<>();
            for (String row : db.rows("SELECT window_id || '|' || dimension || '|' || dimension_value || '|' || observation_count FROM observation_counts")) {
                int cut = row.lastIndexOf('|');
                stored.put(row.substring(0, cut), Long.parseLong(row.substring(cut + 1)));
            }
            assertThat(stored).as("counts per window and dimension, computed from what was produced").isEqualTo(expected);
            assertThat(db.countOrMinusOne("SELECT count(*) FROM observations")).as("every unique observation stored")
                    .isEqualTo(unique + 6);

            assertThat(KafkaTestSupport.readCommittedToEnd(lateTopic, Duration.ofMinutes(1))).as("nothing was late").isEmpty();
            List<ConsumerRecord<byte[], byte[]>> deadLetters = KafkaTestSupport.readCommittedUntil(base.deadLetter(),
                    Duration.ofMinutes(2), seen -> seen.size() >= CLOCK_AHEAD);
            List<DeadLetter> letters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(base.deadLetter(), Duration.ofMinutes(1))) {
                letters.add(DeadLetter.getDecoder().decode(ByteBuffer.wrap(r.value())));
            }
            assertThat(deadLetters).hasSizeGreaterThanOrEqualTo(CLOCK_AHEAD);
            assertThat(letters).as("one dead letter per far-future record").hasSize(CLOCK_AHEAD)
                    .allSatisfy(d -> {
                        assertThat(d.getReasonCode()).isEqualTo(RejectReason.EVENT_TIME_AHEAD);
                        assertThat(d.getSourceOffset()).isNotNull();
                        assertThat(topics).contains(d.getSourceTopic());
                    });
            // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
            assertThat(db.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            if (!restarted.getJobStatus().get().isGloballyTerminalState()) {
                restarted.cancel().get();
            }
            db.drop();
        }
    }

    /**
     * Per partition, {@code sizes[p]} observations spread evenly over {@code span} from {@code from}, each up to
     * 8 s earlier than its place (disordered within the 10 s bound); {@code clockAhead} of them in the middle of
     * partition 0's list carry an event time a day ahead of now.
     */
    private void produce(List<String> topics, int[] sizes, Instant from, Duration span, String tag, int clockAhead)
            throws Exception {
        for (int p = 0; p < sizes.length; p++) {
            String source = SOURCES.get(p / 2);
            List<Map.Entry<String, byte[]>> records = new ArrayList<>(sizes[p] + clockAhead);
            long step = span.toMillis() / sizes[p];
            for (int i = 0; i < sizes[p]; i++) {
                Instant eventTime = from.plusMillis(i * step - random.nextInt(8_000));
                Observation o = observation(tag + "-" + p + "-" + i, source, eventTime);
                records.add(entry(o));
                expectCounted(o);
                if (p == 0 && i == sizes[p] / 2) {
                    for (int k = 0; k < clockAhead; k++) {
                        records.add(entry(observation(tag + "-ahead-" + k, source, Instant.now().plus(Duration.ofDays(1))))); 
                    }
                }
            }
            KafkaTestSupport.produce(topics.get(p / 2), p % 2, records);
        }
    }

    private void expectCounted(Observation o) {
        unique++;
        long t = o.getEventTime().toEpochMilli();
        long start = t - Math.floorMod(t, WINDOW.toMillis());
        String window = WindowIds.of(start, start + WINDOW.toMillis());
        for (String dv : List.of("kingdom|" + o.getKingdom(), "species|" + o.getSpecies(), "source|" + o.getSource())) {
            expected.merge(window + "|" + dv, 1L, Long::sum);
        }
    }

    private Observation observation(String id, String source, Instant eventTime) {
        String kingdom = KINGDOMS[Math.floorMod(id.hashCode(), KINGDOMS.length)];
        String species = kingdom + " species " + Math.floorMod(id.hashCode() / 7, 20);
        return Observation.newBuilder().setOccurrenceId(id).setSource(source).setKingdom(kingdom)
                .setScientificName(species).setSpecies(species).setEventTime(eventTime)
                .setLatitude(10.5).setLongitude(-20.25).setCountryCode("NL").build();
    }

    private static Map.Entry<String, byte[]> entry(Observation o) throws Exception {
        return new SimpleEntry<>(o.getOccurrenceId(), AvroEventSerializer.encode(o));
    }
}
