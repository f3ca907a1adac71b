package dev.tributary.pipeline.flows;

import dev.tributary.events.Alert;
import dev.tributary.events.Customer;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.DocumentedAlertIds;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The telemetry flow end to end on a MiniCluster against the stack's real Kafka, PostgreSQL and Elasticsearch:
 * readings shuffled and duplicated per device, one reading withheld (a gap) and sent after its gap was reported
 * (a late reading), customers and trips, a task failure injected mid-stream and a database restart between the
 * two halves of the input.
 *
 * <p>The database restart runs {@code TRIBUTARY_PG_RESTART_CMD} (default {@code bin/stack restart postgres});
 * point {@code TRIBUTARY_PG_URL}/{@code _USER}/{@code _PASSWORD} and that command at a private PostgreSQL when
 * others share the stack.
 */
public class TelemetryFlowIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int DEVICES = 6;
    private static final int SEQS = 80;
    private static final String GAP_DEVICE = "device-3";
    private static final long GAP_SEQ = 50;
    private static final String[] TIERS = {"GOLD", "SILVER", "BRONZE"};
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readingsAreStoredOnceAlertedOnceIndexedAndTripsEnriched() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("it_telemetry_" + suffix);
        String devicesIndex = "devices-it-" + suffix;
        Instant base = Instant.now().minusSeconds(3600);

        List<Map.Entry<String, byte[]>> readings = shuffledReadingsWithDuplicates(base);
        readings.add(10, new SimpleEntry<>("device-0", "{\"deviceId\": \"device-0\", \"seq\": ".getBytes(StandardCharsets.UTF_8)));
        int half = readings.size() / 2;

        Map<String, String> raw = telemetryOnTheStack(topics, warehouse, devicesIndex);
        // long enough that shuffled readings and a restore from a checkpoint never cut a gap by accident
        raw.put("telemetry.order.max-hold", "30s");
        raw.put("telemetry.enrich.max-wait", "30s");
        JobSettings settings = WarehouseTestSchema.parse(raw);

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(5);

        String failure = "telemetry-it-" + suffix;
        KafkaSources kafka = new KafkaSources(settings);
        // in the second half of the input, after the database restart
        Sources withFault = new FaultySources(kafka, topics.hoverboard(), failure, half + half / 2);
        TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));

        KafkaTestSupport.produce(topics.hoverboard(), readings.subList(0, half));
        JobClient job = env.executeAsync("telemetry-it");
        try {
            Await.until("the first readings in the warehouse", Duration.ofMinutes(2),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") > 0);
            WarehouseTestSchema.restartDatabase(new File("target/telemetry-pg-restart.log"));

            KafkaTestSupport.produce(topics.hoverboard(), readings.subList(half, readings.size()));
            KafkaTestSupport.produce(topics.customer(), customers(base));
            KafkaTestSupport.produce(topics.trip(), trips(base));

            // the withheld reading is sent only once its gap was reported, so it is late by construction
            String gapAlert = gapAlertId(base);
            KafkaTestSupport.readCommittedUntil(topics.alerts(), Duration.ofMinutes(2),
                    seen -> alerts(seen).stream().anyMatch(a -> a.getAlertId().equals(gapAlert)));
            KafkaTestSupport.produce(topics.hoverboard(), List.of(
                    new SimpleEntry<>(GAP_DEVICE, avro(reading(GAP_DEVICE, 3, GAP_SEQ, base)))));

            int expectedReadings = DEVICES * SEQS;
            Await.until("every reading in the warehouse", Duration.ofMinutes(3),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM readings") == expectedReadings);
            Await.until("every trip enriched in the warehouse", Duration.ofMinutes(2),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM trips WHERE customer_tier IS NOT NULL"
                            + " AND last_battery_pct IS NOT NULL AND version = CASE trip_id WHEN 'trip-0' THEN 2 ELSE 1 END")
                            == DEVICES);
            Await.until("the latest seq of every device indexed", Duration.ofMinutes(2),
                    () -> indexedDevicesAtLastSeq(devicesIndex, base) == DEVICES);
            FailOnce.assertRestoredAfterCommittedOutput(failure);

            // readings: each once, the late one included
            assertThat(warehouse.rows("SELECT count(DISTINCT (device_id, seq)) FROM readings"))
                    .containsExactly(String.valueOf(expectedReadings));
            assertThat(warehouse.rows("SELECT device_id, seq FROM readings WHERE device_id = '" + GAP_DEVICE
                    + "' AND seq = " + GAP_SEQ)).containsExactly(GAP_DEVICE + "|" + GAP_SEQ);

            // alerts: exactly the ones the data implies, once each, in Kafka and in the warehouse
            Set<String> expectedAlerts = expectedAlertIds(base);
            KafkaTestSupport.readCommittedUntil(topics.alerts(), Duration.ofMinutes(1),
                    seen -> alerts(seen).size() >= expectedAlerts.size());
            KafkaTestSupport.readCommittedUntil(topics.deadLetter(), Duration.ofMinutes(1), seen -> !seen.isEmpty());
            Await.until("every alert in the warehouse", Duration.ofMinutes(1),
                    () -> warehouse.countOrMinusOne("SELECT count(*) FROM alerts") == expectedAlerts.size());
            // the reads stopped at the expected counts: stop the job (its open transactions abort) and read all it
            // committed, so a duplicate committed later shows too
            job.cancel().get();
            List<Alert> published = alerts(KafkaTestSupport.readCommittedToEnd(topics.alerts(), Duration.ofMinutes(1)));
            assertThat(published).extracting(Alert::getAlertId).containsExactlyInAnyOrderElementsOf(expectedAlerts);
            assertThat(warehouse.rows("SELECT alert_id FROM alerts")).containsExactlyInAnyOrderElementsOf(expectedAlerts);

            // trips: enriched with their customer's tier and their hoverboard's latest reading
            List<String> trips = warehouse.rows("SELECT trip_id, customer_tier, version, distance_km FROM trips ORDER BY trip_id");
            assertThat(trips).hasSize(DEVICES);
            for (int i = 0; i < DEVICES; i++) {
                assertThat(trips.get(i)).startsWith("trip-" + i + "|" + TIERS[i % TIERS.length] + "|");
            }
            assertThat(trips.get(0)).isEqualTo("trip-0|GOLD|2|3.5");
            assertThat(warehouse.rows("SELECT count(*) FROM trips WHERE last_reading_seq IS NULL")).containsExactly("0");

            // customers: the greater version wins
            assertThat(warehouse.rows("SELECT customer_id, name, version FROM customers ORDER BY customer_id"))
                    .containsExactly("c-0|Customer 0|1", "c-1|Customer 1|1", "c-2|Customer 2|1", "c-9|Renamed|2");

            // the malformed reading is a dead letter of this flow
            List<DeadLetter> dead = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1))) {
                dead.add(DeadLetter.getDecoder().decode(ByteBuffer.wrap(r.value())));
            }
            assertThat(dead).singleElement().satisfies(l -> {
                assertThat(l.getFlow()).isEqualTo(TelemetryFlow.FLOW);
                assertThat(l.getReasonCode()).isEqualTo("MALFORMED_JSON");
                assertThat(l.getSourceTopic()).isEqualTo(topics.hoverboard());
            });
            // Redshift keeps a second row for a key (the schema enforces none): nothing may be written twice
            assertThat(warehouse.duplicateKeys()).as("warehouse keys held by more than one row").isEmpty();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    /** The telemetry flow alone, writing to the stack's warehouse (the given schema) and search server. */
    public static Map<String, String> telemetryOnTheStack(FreshTopics topics, WarehouseTestSchema warehouse, String devicesIndex) {
        Map<String, String> raw = new LinkedHashMap<>(topics.settings());
        raw.put("flows", "telemetry");
        raw.putAll(warehouse.jobSettings());
        raw.put("warehouse.flush-interval", "300ms");
        raw.put("search.url", StackEnv.esUrl());
        raw.put("telemetry.devices-index", devicesIndex);
        // silence is wall-clock time: kept out of reach so the alerts depend on the data alone
        raw.put("telemetry.alerts.silent-after", "1h");
        return raw;
    }

    /**
     * Every device's readings 0..79 (device-3 without 50), shuffled within blocks of four and every seventh sent
     * twice, interleaved across devices. Keyed by device id, so each device's order in Kafka is the one built here.
     */
    private static List<Map.Entry<String, byte[]>> shuffledReadingsWithDuplicates(Instant base) throws Exception {
        Random random = new Random(42);
        List<List<HoverboardReading>> perDevice = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            String device = "device-" + d;
            List<HoverboardReading> sent = new ArrayList<>();
            for (int block = 0; block < SEQS; block += 4) {
                List<HoverboardReading> chunk = new ArrayList<>();
                for (long seq = block; seq < Math.min(SEQS, block + 4); seq++) {
                    if (!(device.equals(GAP_DEVICE) && seq == GAP_SEQ)) {
                        chunk.add(reading(device, d, seq, base));
                    }
                }
                Collections.shuffle(chunk, random);
                sent.addAll(chunk);
            }
            for (int i = sent.size() - 3; i >= 0; i--) {
                if (sent.get(i).getSeq() % 7 == 3) {
                    sent.add(i + 2, sent.get(i));
                }
            }
            perDevice.add(sent);
        }
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; perDevice.stream().anyMatch(l -> !l.isEmpty()); i++) {
            for (List<HoverboardReading> l : perDevice) {
                if (!l.isEmpty()) {
                    HoverboardReading r = l.remove(0);
                    out.add(new SimpleEntry<>(r.getDeviceId(), i % 2 == 0 ? avro(r) : json(r)));
                }
            }
        }
        return out;
    }

    /** Battery 90 - seq (LOW_BATTERY at 76); device-1 hot at 40..45; device-2 reports E42 at 30..32. */
    private static HoverboardReading reading(String device, int d, long seq, Instant base) {
        return HoverboardReading.newBuilder().setDeviceId(device).setSeq(seq)
                .setEventTime(base.plusSeconds(seq))
                .setBatteryPct(90 - seq)
                .setTemperatureC(d == 1 && seq >= 40 && seq <= 45 ? 70 : 25)
                .setSpeedKmh(12)
                .setLatitude(52.5 + d / 100.0).setLongitude(13.4)
                .setErrorCode(d == 2 && seq >= 30 && seq <= 32 ? "E42" : null)
                .build();
    }

    /** Reading alerts carry the reading's event time (base + seq s); the gap the first reading after it. */
    private static Set<String> expectedAlertIds(Instant base) {
        Set<String> ids = new TreeSet<>();
        for (int d = 0; d < DEVICES; d++) {
            ids.add(DocumentedAlertIds.of("device-" + d, "LOW_BATTERY", 76, base.plusSeconds(76)));
        }
        ids.add(DocumentedAlertIds.of("device-1", "OVER_TEMPERATURE", 40, base.plusSeconds(40)));
        ids.add(DocumentedAlertIds.of("device-2", "FAILURE_PATTERN", 32, base.plusSeconds(32)));
        ids.add(gapAlertId(base));
        return ids;
    }

    private static String gapAlertId(Instant base) {
        return DocumentedAlertIds.of(GAP_DEVICE, "SEQUENCE_GAP", GAP_SEQ, base.plusSeconds(GAP_SEQ + 1));
    }

    private static List<Map.Entry<String, byte[]>> customers(Instant base) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int c = 0; c < TIERS.length; c++) {
            out.add(entry("c-" + c, Customer.newBuilder().setCustomerId("c-" + c).setName("Customer " + c)
                    .setTier(TIERS[c]).setVersion(1).setUpdatedAt(base).build()));
        }
        out.add(entry("c-9", Customer.newBuilder().setCustomerId("c-9").setName("Original").setVersion(1)
                .setUpdatedAt(base).build()));
        out.add(entry("c-9", Customer.newBuilder().setCustomerId("c-9").setName("Renamed").setVersion(2)
                .setUpdatedAt(base.plusSeconds(60)).build()));
        return out;
    }

    /** trip-i on device-i by customer c-(i % 3); trip-0 also ends (version 2). Keyed hoverboardId/customerId. */
    private static List<Map.Entry<String, byte[]>> trips(Instant base) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            Trip trip = Trip.newBuilder().setTripId("trip-" + i).setHoverboardId("device-" + i)
                    .setCustomerId("c-" + i % TIERS.length).setStartedAt(base).setVersion(1).build();
            out.add(entry(trip.getHoverboardId() + "/" + trip.getCustomerId(), trip));
            if (i == 0) {
                out.add(entry(trip.getHoverboardId() + "/" + trip.getCustomerId(), Trip.newBuilder(trip)
                        .setEndedAt(base.plusSeconds(600)).setDistanceKm(3.5).setVersion(2).build()));
            }
        }
        return out;
    }

    /** Devices whose document holds their last reading, versioned by its event time. */
    private static long indexedDevicesAtLastSeq(String index, Instant base) throws Exception {
        long lastVersion = base.plusSeconds(SEQS - 1).toEpochMilli();
        HttpClient http = HttpClient.newHttpClient();
        long atLast = 0;
        for (int d = 0; d < DEVICES; d++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create(StackEnv.esUrl() + "/" + index + "/_doc/device-" + d)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                continue;
            }
            JsonNode doc = JSON.readTree(r.body());
            if (doc.path("_version").asLong() == lastVersion && doc.path("_source").path("sequence").asLong() == SEQS - 1) {
                atLast++;
            }
        }
        return atLast;
    }

    private static List<Alert> alerts(List<ConsumerRecord<byte[], byte[]>> records) {
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.add(Alert.getDecoder().decode(ByteBuffer.wrap(r.value())));
            } catch (java.io.IOException e) {
                throw new AssertionError("not an Avro alert at offset " + r.offset(), e);
            }
        }
        return out;
    }

    private static Map.Entry<String, byte[]> entry(String key, SpecificRecordBase value) throws Exception {
        return new SimpleEntry<>(key, avro(value));
    }

    private static byte[] avro(SpecificRecordBase r) throws Exception {
        ByteBuffer b = (ByteBuffer) r.getClass().getMethod("toByteBuffer").invoke(r);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static byte[] json(HoverboardReading r) {
        return String.format(java.util.Locale.ROOT,
                "{\"deviceId\":\"%s\",\"seq\":%d,\"eventTime\":\"%s\",\"batteryPct\":%s,\"temperatureC\":%s,"
                        + "\"speedKmh\":%s,\"latitude\":%s,\"longitude\":%s,\"errorCode\":%s}",
                r.getDeviceId(), r.getSeq(), r.getEventTime(), r.getBatteryPct(), r.getTemperatureC(),
                r.getSpeedKmh(), r.getLatitude(), r.getLongitude(),
                r.getErrorCode() == null ? "null" : "\"" + r.getErrorCode() + "\"")
                .getBytes(StandardCharsets.UTF_8);
    }
}
