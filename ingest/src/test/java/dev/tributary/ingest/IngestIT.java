package dev.tributary.ingest;

import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingestion service against the stack's real Kafka: what a device POSTs reaches the input topic once, keyed by
 * its id, in the order sent; every bad request is answered with its status and reason; a Kafka that cannot take
 * records is answered 503, one that has too many unanswered 429.
 */
class IngestIT {

    private static final String KEY = "it-key-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static String topic;
    private static IngestServer server;

    @BeforeAll
    static void start() throws Exception {
        topic = "it.ingest.hoverboard." + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", StackEnv.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
        server = IngestServer.start(IngestSettings.of(StackEnv.kafkaBootstrap(), ApiKeys.of(List.of(KEY)))
                .withPort(0).withTopics(Map.of("hoverboard", topic)).withLimits(64 * 1024, 200, 20_000));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A reading with an event time a little before now, so the contract's clock checks pass. */
    static String readingJson(String device, long seq) {
        Instant time = Instant.now().minus(10, ChronoUnit.MINUTES).plusSeconds(seq % 300).truncatedTo(ChronoUnit.SECONDS);
        return "{\"deviceId\":\"" + device + "\",\"seq\":" + seq + ",\"eventTime\":\"" + time + "\",\"batteryPct\":80.0,"
                + "\"temperatureC\":20.5,\"speedKmh\":10.0,\"latitude\":52.5,\"longitude\":13.4,\"errorCode\":null}";
    }

    static HttpResponse<String> post(int port, String path, String contentType, byte[] body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofMinutes(1)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> postJson(String json) throws Exception {
        return post(server.port(), "/v1/events/hoverboard", "application/json", json.getBytes(StandardCharsets.UTF_8), KEY);
    }

    @Test
    void burstsFromManyDevicesReachTheTopicOnceEachInTheOrderEachDeviceSentThem() throws Exception {
        int devices = 40;
        int requestsPerDevice = 10;
        int perRequest = 50;
        String prefix = "burst-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        ExecutorService clients = Executors.newFixedThreadPool(16);
        List<Future<Integer>> sent = new ArrayList<>();
        try {
            for (int d = 0; d < devices; d++) {
                String device = prefix + d;
                // each device sends its batches one after another, as a device does; the devices all at once
                sent.add(clients.submit(() -> {
                    int accepted = 0;
                    for (int r = 0; r < requestsPerDevice; r++) {
                        int first = r * perRequest + 1;
                        String batch = IntStream.range(first, first + perRequest).mapToObj(seq -> readingJson(device, seq))
                                .collect(Collectors.joining(",", "[", "]"));
                        HttpResponse<String> response = postJson(batch);
                        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                        JsonNode answer = JSON.readTree(response.body());
                        assertThat(answer.path("accepted").asInt()).isEqualTo(perRequest);
                        for (JsonNode result : answer.path("results")) {
                            assertThat(result.path("status").asText()).isEqualTo("accepted");
                            assertThat(result.path("key").asText()).isEqualTo(device);
                            assertThat(result.has("offset")).isTrue();
                        }
                        accepted += answer.path("accepted").asInt();
                    }
                    return accepted;
                }));
            }
            int accepted = 0;
            for (Future<Integer> f : sent) {
                accepted += f.get();
            }
            assertThat(accepted).isEqualTo(devices * requestsPerDevice * perRequest);
        } finally {
            clients.shutdownNow();
        }

        Map<String, List<Long>> seqsByDevice = new HashMap<>();
        Map<String, Set<Integer>> partitionsByDevice = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, prefix, devices * requestsPerDevice * perRequest)) {
            HoverboardReading reading = HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value()));
            String device = reading.getDeviceId().toString();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(device);
            seqsByDevice.computeIfAbsent(device, k -> new ArrayList<>()).add(reading.getSeq());
            partitionsByDevice.computeIfAbsent(device, k -> new HashSet<>()).add(r.partition());
        }
        assertThat(seqsByDevice).hasSize(devices);
        List<Long> expected = IntStream.rangeClosed(1, requestsPerDevice * perRequest).mapToObj(i -> (long) i).toList();
        seqsByDevice.forEach((device, seqs) -> assertThat(seqs).as("%s: each reading once, in the order sent", device)
                .containsExactlyElementsOf(expected));
        partitionsByDevice.forEach((device, partitions) -> assertThat(partitions).as(device).hasSize(1));
    }

    @Test
    void avroSingleRecordsAndAvroContainersAreTakenToo() throws Exception {
        String device = "avro-" + UUID.randomUUID().toString().substring(0, 6);
        HoverboardReading first = reading(device, 1);
        HttpResponse<String> single = post(server.port(), "/v1/events/hoverboard", "application/avro",
                first.toByteBuffer().array(), KEY);
        assertThat(single.statusCode()).as(single.body()).isEqualTo(202);

        ByteArrayOutputStream container = new ByteArrayOutputStream();
        try (DataFileWriter<HoverboardReading> writer = new DataFileWriter<>(new SpecificDatumWriter<>(HoverboardReading.class))) {
            writer.create(HoverboardReading.getClassSchema(), container);
            for (int seq = 2; seq <= 20; seq++) {
                writer.append(reading(device, seq));
            }
        }
        HttpResponse<String> batch = post(server.port(), "/v1/events/hoverboard", "avro/binary", container.toByteArray(), KEY);
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
        assertThat(JSON.readTree(batch.body()).path("accepted").asInt()).isEqualTo(19);

        List<Long> seqs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll(topic, device, 20)) {
            seqs.add(HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value())).getSeq());
        }
        assertThat(seqs).containsExactlyElementsOf(IntStream.rangeClosed(1, 20).mapToObj(i -> (long) i).toList());
    }

    @Test
    void everyBadRequestGetsItsStatusAndAReason() throws Exception {
        String device = "bad-" + UUID.randomUUID().toString().substring(0, 6);
        byte[] one = readingJson(device, 1).getBytes(StandardCharsets.UTF_8);

        assertAnswer(post(server.port(), "/v1/events/hoverboard", "application/json", one, null), 401, "UNAUTHORIZED");
        assertAnswer(post(server.port(), "/v1/events/hoverboard", "application/json", one, "wrong-key-0123456789"), 401, "UNAUTHORIZED");
        assertAnswer(post(server.port(), "/v1/events/boat", "application/json", one, KEY), 404, "UNKNOWN_TYPE");
        assertAnswer(post(server.port(), "/v1/events/hoverboard", "text/plain", one, KEY), 415, "UNSUPPORTED_MEDIA_TYPE");
        assertAnswer(post(server.port(), "/v1/events/hoverboard", "application/json", new byte[0], KEY), 400, "EMPTY_PAYLOAD");
        assertAnswer(post(server.port(), "/v1/events/hoverboard", "application/json", "{\"deviceId\":".getBytes(StandardCharsets.UTF_8), KEY),
                400, "MALFORMED_JSON");
        byte[] huge = ("[" + (readingJson(device, 1) + ",").repeat(400) + readingJson(device, 1) + "]").getBytes(StandardCharsets.UTF_8);
        assertThat(huge.length).isGreaterThan(64 * 1024);
        HttpResponse<String> refused = postJson(new String(huge, StandardCharsets.UTF_8));
        assertAnswer(refused, 413, "OVERSIZED");
        assertThat(JSON.readTree(refused.body()).path("reason").asText()).contains(huge.length + " bytes");
        String tooMany = IntStream.rangeClosed(1, 201).mapToObj(seq -> "{}").collect(Collectors.joining(",", "[", "]"));
        assertAnswer(postJson(tooMany), 413, "LIMIT_EXCEEDED");

        // all invalid: 400 with a reason per record; nothing produced
        HttpResponse<String> allBad = postJson("[" + readingJson(device, 1).replace("80.0", "180.0") + ",{\"seq\":2}]");
        assertThat(allBad.statusCode()).isEqualTo(400);
        JsonNode answer = JSON.readTree(allBad.body());
        assertThat(answer.path("rejected").asInt()).isEqualTo(2);
        assertThat(answer.path("results").get(0).path("reason").asText()).contains("batteryPct");
        assertThat(answer.path("results").get(1).path("code").asText()).isEqualTo("MISSING_FIELD");

        // mixed: 202, the good ones produced, the bad ones answered
        HttpResponse<String> mixed = postJson("[" + readingJson(device, 1) + ",{\"seq\":2}," + readingJson(device, 3) + "]");
        assertThat(mixed.statusCode()).isEqualTo(202);
        JsonNode mixedAnswer = JSON.readTree(mixed.body());
        assertThat(mixedAnswer.path("accepted").asInt()).isEqualTo(2);
        assertThat(mixedAnswer.path("results")).extracting(r -> r.path("status").asText())
                .containsExactly("accepted", "rejected", "accepted");
        assertThat(readAll(topic, device, 2)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly(device, device);

        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("tributary_ingest_records_rejected_total{type=\"hoverboard\",reason=\"MISSING_FIELD\"}")
                .contains("tributary_ingest_requests_total{status=\"401\"} 2");
    }

    @Test
    void aKafkaThatTakesNothingIsAnswered503AndOneThatIsFullIs429() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IngestSettings unreachable = IngestSettings.of("127.0.0.1:" + closedPort, ApiKeys.of(List.of(KEY)))
                .withPort(0).withTopics(Map.of("hoverboard", topic)).withLimits(64 * 1024, 200, 10)
                .withKafkaWaits(Duration.ofSeconds(3), Duration.ofSeconds(5));
        try (IngestServer down = IngestServer.start(unreachable)) {
            String batch = IntStream.rangeClosed(1, 10).mapToObj(seq -> readingJson("down", seq))
                    .collect(Collectors.joining(",", "[", "]"));
            // the first request holds all 10 in-flight places while the producer waits for Kafka
            CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return post(down.port(), "/v1/events/hoverboard", "application/json", batch.getBytes(StandardCharsets.UTF_8), KEY);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            awaitInFlight(down.port(), 10);
            HttpResponse<String> second = post(down.port(), "/v1/events/hoverboard", "application/json",
                    readingJson("down", 11).getBytes(StandardCharsets.UTF_8), KEY);
            assertAnswer(second, 429, "BACKPRESSURE");
            assertThat(second.headers().firstValue("Retry-After")).contains("1");

            HttpResponse<String> answered = first.get();
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(503);
            assertThat(answered.headers().firstValue("Retry-After")).isPresent();
            JsonNode answer = JSON.readTree(answered.body());
            assertThat(answer.path("failed").asInt()).isEqualTo(10);
            assertThat(answer.path("results").get(0).path("retry").asBoolean()).isTrue();
            assertThat(answer.path("results").get(0).path("code").asText()).isEqualTo("KAFKA_TIMEOUT");
        }
    }

    private static void awaitInFlight(int port, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (metrics.contains("tributary_ingest_records_in_flight " + expected + "\n")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the service never had " + expected + " records in flight");
    }

    private static void assertAnswer(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("code").asText()).as(response.body()).isEqualTo(code);
        assertThat(body.path("reason").asText()).isNotBlank();
    }

    private static HoverboardReading reading(String device, long seq) throws Exception {
        Instant time = Instant.now().minus(10, ChronoUnit.MINUTES).plusSeconds(seq);
        return HoverboardReading.newBuilder().setDeviceId(device).setSeq(seq).setEventTime(time).setBatteryPct(80.0)
                .setTemperatureC(20.0).setSpeedKmh(10.0).setLatitude(52.5).setLongitude(13.4).setErrorCode(null).build();
    }

    /** Every record of the topic whose key starts with the prefix, in partition order, once {@code expected} are there. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String keyPrefix, int expected) {
        Properties props = new Properties();
        props.put("bootstrap.servers", StackEnv.kafkaBootstrap());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (new String(r.key(), StandardCharsets.UTF_8).startsWith(keyPrefix)) {
                        out.add(r);
                    }
                }
            }
        }
        assertThat(out).as("records keyed " + keyPrefix + "*").hasSize(expected);
        return out;
    }
}
