package dev.tributary.pipeline;

import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.badinput.HostileCorpus;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile records of every kind the corpus has for Kafka (every case that must end as a dead letter, on every
 * input topic, the 512 KiB key and the payloads just under Kafka's limit included) mixed at a steady rate into
 * normal load, for a while, through the production graph (integration, telemetry and observations flows) on a
 * MiniCluster against the stack's servers. The verdict: no restart; every reading in the warehouse once and every
 * observation once; every hostile record in the dead-letter topic once, with its expected reason and its source
 * offset; each device's indexed state at its latest real reading.
 *
 * <p>Runs for {@code -Dtributary.hostile-load.duration} (ISO-8601, default {@code PT2M} in CI; {@code PT10M} or more
 * as a soak).
 */
class HostileLoadIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final Duration DURATION = Duration.parse(System.getProperty("tributary.hostile-load.duration", "PT2M"));
    private static final int DEVICES = 20;
    private static final int READINGS_PER_SECOND = 30;
    /** hostile records a second, spread over the corpus's Kafka cases in turn */
    private static final int HOSTILE_PER_SECOND = 5;
    private static final Duration CATCH_UP = Duration.ofMinutes(3);

    /** A hostile record the broker acknowledged. */
    private record SentHostile(HostileCorpus.Case hostile, String topic, int partition, long offset) {}

    @Test
    void hostileRecordsMixedIntoLoadAllEndAsDeadLettersAndTheLoadIsStoredWithoutARestart(
            @InjectClusterRESTAddress URI rest) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        FreshTopics topics = FreshTopics.create(2);
        String lateTopic = KafkaTestSupport.createTopics(2, "observations-late").get(0);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("hostile_load_" + run);
        String devicesIndex = "devices-hostile-" + run;
        List<HostileCorpus.Case> cases = HostileCorpus.load().stream()
                .filter(c -> c.isKafka() && c.outcome() == HostileCorpus.Outcome.DEAD_LETTER).toList();

        Map<String, String> raw = new LinkedHashMap<>(topics.settings());
        raw.put("flows", "integration,telemetry,observations");
        raw.put("decode.max-payload", HostileCorpus.MAX_PAYLOAD_BYTES / 1024 + "kb");
        raw.put("topics.observations-late", lateTopic);
        raw.putAll(warehouse.jobSettings());
        raw.put("warehouse.flush-interval", "500ms");
        raw.put("search.url", StackEnv.esUrl());
        raw.put("telemetry.devices-index", devicesIndex);
        raw.put("telemetry.alerts.silent-after", "1h");
        raw.put("observations.index-suffix", "-hostile-" + run);
        JobSettings settings = WarehouseTestSchema.parse(raw);

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        JobClient job = env.executeAsync("hostile-load-it");
        List<SentHostile> hostileSent = Collections.synchronizedList(new ArrayList<>());
        try (ReadingLoad load = new ReadingLoad(topics.hoverboard(), topics.observations(), DEVICES, READINGS_PER_SECOND);
             KafkaProducer<String, byte[]> hostile = hostileProducer()) {
            Await.until("the job running", Duration.ofMinutes(2), () -> job.getJobStatus().get() == JobStatus.RUNNING);
            load.start();
            List<Future<RecordMetadata>> pending = Collections.synchronizedList(new ArrayList<>());
            List<HostileCorpus.Case> pendingCases = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger next = new AtomicInteger();
            ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
            sender.scheduleAtFixedRate(() -> {
                HostileCorpus.Case c = cases.get(next.getAndIncrement() % cases.size());
                synchronized (pending) {
                    pending.add(hostile.send(new ProducerRecord<>(topicOf(c, topics), c.key(), c.bytes())));
                    pendingCases.add(c);
                }
            }, 0, 1000 / HOSTILE_PER_SECOND, TimeUnit.MILLISECONDS);
            // a restart shows in numRestarts at the end; a job that gives up ends the run at once
            boolean ended = Await.untilOrTimeout(DURATION, () -> job.getJobStatus().get().isGloballyTerminalState());
            sender.shutdown();
            assertThat(sender.awaitTermination(1, TimeUnit.MINUTES)).as("the hostile sender stopped").isTrue();
            assertThat(ended).as("the job under hostile load ended: %s", job.getJobStatus().get()).isFalse();
            load.stop();
            hostile.flush();
            for (int i = 0; i < pending.size(); i++) {
                RecordMetadata m = pending.get(i).get(1, TimeUnit.MINUTES);
                hostileSent.add(new SentHostile(pendingCases.get(i), m.topic(), m.partition(), m.offset()));
            }

            List<ReadingLoad.Sent> readings = load.sent();
            Map<String, Long> lastSeqs = load.snapshot().lastSeqs();
            Await.until("every reading and observation in the warehouse", CATCH_UP,
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") >= readings.size()
                            && warehouse.countOrMinusOne("SELECT count(*) FROM observations") >= readings.size());
            Await.until("every device indexed at its latest reading", CATCH_UP,
                    () -> ClusterProbes.indexedSeqs(devicesIndex).equals(lastSeqs));
            Await.until("a dead letter for every hostile record", CATCH_UP, () -> KafkaTestSupport.readCommittedToEnd(
                    topics.deadLetter(), Duration.ofMinutes(1)).size() >= hostileSent.size());
            long restarts = ClusterProbes.jobMetric(rest, job, "numRestarts");
            // stop the job (open transactions abort) and read everything it committed
            job.cancel().get();

            Map<String, SentHostile> byOffset = new HashMap<>();
            hostileSent.forEach(s -> byOffset.put(s.topic() + "/" + s.partition() + "/" + s.offset(), s));
            Map<String, Integer> letters = new HashMap<>();
            Map<String, Integer> perReason = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1))) {
                DeadLetter d = DeadLetter.getDecoder().decode(ByteBuffer.wrap(r.value()));
                String at = d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset();
                SentHostile s = byOffset.get(at);
                assertThat(s).as("dead letter %s (%s) names a hostile record the test sent", at, d.getReasonCode()).isNotNull();
                assertThat(d.getReasonCode()).as("reason of %s", s.hostile().id()).isEqualTo(s.hostile().reason());
                letters.merge(at, 1, Integer::sum);
                perReason.merge(d.getReasonCode(), 1, Integer::sum);
            }
            System.out.printf(Locale.ROOT, "hostile load for %s: %d readings (and as many observations) over %d devices,"
                            + " %d hostile records of %d kinds; dead letters by reason %s; restarts %d%n", DURATION,
                    readings.size(), DEVICES, hostileSent.size(), cases.size(), perReason, restarts);
            assertThat(letters.keySet()).as("a dead letter for every hostile record").hasSize(hostileSent.size());
            assertThat(letters.values()).as("each hostile record dead-lettered once").containsOnly(1);
            assertThat(restarts).as("no restart caused by input").isZero();
            assertThat(warehouse.rows("SELECT count(*), count(DISTINCT (device_id, seq)) FROM readings"))
                    .containsExactly(readings.size() + "|" + readings.size());
            assertThat(warehouse.rows("SELECT count(*) FROM observations")).containsExactly(String.valueOf(readings.size()));
            assertThat(warehouse.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            warehouse.drop();
        }
    }

    private static KafkaProducer<String, byte[]> hostileProducer() {
        Properties props = KafkaTestSupport.producerProperties();
        props.put("linger.ms", "5");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static String topicOf(HostileCorpus.Case c, FreshTopics topics) {
        return switch (c.source()) {
            case "hoverboard-reading" -> topics.hoverboard();
            case "customer" -> topics.customer();
            case "trip" -> topics.trip();
            case "observation" -> topics.observations();
            case "asset-announced" -> topics.announced();
            case "asset-request" -> topics.requested();
            default -> throw new IllegalArgumentException(c.id() + ": no topic for " + c.source());
        };
    }
}
