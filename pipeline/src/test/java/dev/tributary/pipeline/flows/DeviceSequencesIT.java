package dev.tributary.pipeline.flows;

import dev.tributary.events.HoverboardReading;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.DocumentedAlertIds;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Device sequences as real fleets send them, through the production telemetry graph on a MiniCluster against
 * the stack's Kafka, PostgreSQL and Elasticsearch, with no restart allowed (one failure fails the job):
 * <ul>
 *   <li>a device that reboots (seq back to 0, later event time) and resends a few old readings;</li>
 *   <li>a device that sends one reading with the largest seq accepted, then carries on;</li>
 *   <li>a device whose numbering jumps for good (a firmware update).</li>
 * </ul>
 * Every reading must be stored once, and each device's latest state must be its latest real reading.
 */
class DeviceSequencesIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RUN = 50;
    private static final long JUMP_TO = 100_000;

    @Test
    void rebootsJumpsAndAbsurdSeqsLoseNothingAndCaptureNoDevice() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("it_sequences_" + suffix);
        String devicesIndex = "devices-seq-it-" + suffix;
        Instant base = Instant.now().minusSeconds(3 * 3600);

        List<Map.Entry<String, byte[]>> input = new ArrayList<>();
        // rebooted: 0..49, then 2 h later 0..49 again (battery 10 lower), and copies of old 10..19 after that
        for (long seq = 0; seq < RUN; seq++) {
            input.add(entry(reading("rebooted", seq, base.plusSeconds(seq), 90)));
        }
        for (long seq = 0; seq < RUN; seq++) {
            input.add(entry(reading("rebooted", seq, base.plusSeconds(7200 + seq), 80)));
        }
        for (long seq = 10; seq < 20; seq++) {
            input.add(entry(reading("rebooted", seq, base.plusSeconds(seq), 90)));
        }
        // absurd: 0..24, one reading at the largest seq accepted, 25..49
        for (long seq = 0; seq < RUN; seq++) {
            if (seq == RUN / 2) {
                input.add(entry(reading("absurd", ValidatorRegistry.MAX_SEQ, base.plusSeconds(seq), 1)));
            }
            input.add(entry(reading("absurd", seq, base.plusSeconds(seq), 90)));
        }
        // renumbered: 0..24, then 100000..100024
        for (long seq = 0; seq < RUN; seq++) {
            long numbered = seq < RUN / 2 ? seq : JUMP_TO + seq - RUN / 2;
            input.add(entry(reading("renumbered", numbered, base.plusSeconds(seq), 90)));
        }

        Map<String, String> raw = TelemetryFlowIT.telemetryOnTheStack(topics, warehouse, devicesIndex);
        raw.put("telemetry.order.max-hold", "2s");
        raw.put("telemetry.order.max-seq-jump", "10000");
        JobSettings settings = WarehouseTestSchema.parse(raw);

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(0);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        KafkaTestSupport.produce(topics.hoverboard(), input);
        JobClient job = env.executeAsync("device-sequences-it");
        try {
            long expected = 2 * RUN + (RUN + 1) + RUN; // the old copies add nothing; the absurd reading is stored
            Await.until("every reading in the warehouse", Duration.ofMinutes(2),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") >= expected);
            Await.until("every device's latest reading indexed", Duration.ofMinutes(1),
                    () -> latestSeq(devicesIndex, "rebooted") == RUN - 1 && latestSeq(devicesIndex, "absurd") == RUN - 1
                            && latestSeq(devicesIndex, "renumbered") == JUMP_TO + RUN / 2 - 1);
            Await.until("the alerts in the warehouse", Duration.ofMinutes(1),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM alerts") >= 4);
            assertThat(job.getJobStatus().get()).as("no reading failed the job").isEqualTo(JobStatus.RUNNING);
            // stop the job, then count exactly: a doubled row or a regressed document written after the waits
            // above is in what it left
            job.cancel().get();
            assertThat(warehouse.rows("SELECT device_id, count(*), count(DISTINCT seq) FROM readings"
                    + " GROUP BY device_id ORDER BY device_id"))
                    .containsExactly("absurd|51|51", "rebooted|100|50", "renumbered|50|50");
            assertThat(warehouse.rows("SELECT count(*) FROM readings WHERE device_id = 'rebooted' AND battery_pct = 80"))
                    .as("the whole second epoch").containsExactly(String.valueOf(RUN));
            JsonNode rebooted = document(devicesIndex, "rebooted");
            assertThat(rebooted.path("_source").path("batteryPercent").asDouble()).as("the new epoch's").isEqualTo(80);
            assertThat(rebooted.path("_source").path("lastSeen").asText())
                    .isEqualTo(base.plusSeconds(7200 + RUN - 1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
            assertThat(document(devicesIndex, "absurd").path("_source").path("batteryPercent").asDouble())
                    .as("not the absurd reading's").isEqualTo(90);
            assertThat(latestSeq(devicesIndex, "rebooted")).isEqualTo(RUN - 1);

            // alerts: the rebooted device overheated at seq 5 in each epoch, two alerts with ids of their own
            assertThat(warehouse.rows("SELECT device_id, kind, reading_seq, alert_id FROM alerts ORDER BY device_id, alert_id"))
                    .containsExactly(
                            "absurd|OVER_TEMPERATURE|5|" + DocumentedAlertIds.of("absurd", "OVER_TEMPERATURE", 5, base.plusSeconds(5)),
                            "rebooted|OVER_TEMPERATURE|5|" + DocumentedAlertIds.of("rebooted", "OVER_TEMPERATURE", 5, base.plusSeconds(5)),
                            "rebooted|OVER_TEMPERATURE|5|" + DocumentedAlertIds.of("rebooted", "OVER_TEMPERATURE", 5, base.plusSeconds(7205)),
                            "renumbered|OVER_TEMPERATURE|5|" + DocumentedAlertIds.of("renumbered", "OVER_TEMPERATURE", 5, base.plusSeconds(5)));
            assertThat(KafkaTestSupport.readCommittedToEnd(topics.alerts(), Duration.ofMinutes(1)))
                    .as("the same four in the alerts topic").hasSize(4);
            assertThat(latestSeq(devicesIndex, "absurd")).isEqualTo(RUN - 1);
            // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
            assertThat(warehouse.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
            warehouse.drop();
        }
    }

    /** Seq 5 of every run overheats (70 °C, above the default 60): an alert in each epoch. */
    private static HoverboardReading reading(String device, long seq, Instant at, double battery) {
        return HoverboardReading.newBuilder().setDeviceId(device).setSeq(seq).setEventTime(at)
                .setBatteryPct(battery).setTemperatureC(seq == 5 ? 70 : 25).setSpeedKmh(10).build();
    }

    private static Map.Entry<String, byte[]> entry(HoverboardReading r) throws Exception {
        ByteBuffer b = r.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new SimpleEntry<>(r.getDeviceId(), bytes);
    }

    private static JsonNode document(String index, String device) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(StackEnv.esUrl() + "/" + index + "/_doc/" + device)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? JSON.readTree(r.body()) : JSON.createObjectNode();
    }

    /** The seq in the device's latest-state document, or -1 while there is none. */
    private static long latestSeq(String index, String device) throws Exception {
        JsonNode doc = document(index, device);
        return doc.path("_source").path("sequence").asLong(-1);
    }
}
