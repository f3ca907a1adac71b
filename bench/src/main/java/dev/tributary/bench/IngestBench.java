package dev.tributary.bench;

import dev.tributary.events.HoverboardReading;
import dev.tributary.ingest.ApiKeys;
import dev.tributary.ingest.EventRoute;
import dev.tributary.ingest.ParsedRecord;
import dev.tributary.ingest.RequestReader;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.ingest.IngestServer;
import dev.tributary.ingest.IngestSettings;
import dev.tributary.ingest.KafkaPublisher;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Records per second through the HTTP ingestion service against a plain Kafka producer writing the same readings,
 * in the same run (#21, goal ≥ 0.5). N hoverboard readings (default 200 000) of 200 devices:
 * <ul>
 *   <li><b>plain</b>: one {@link KafkaProducer} with the service's own settings (idempotent, acks=all, lz4) sends
 *       the readings already Avro-encoded, keyed by device, then flushes;</li>
 *   <li><b>validating producer</b>: the same C threads read the JSON bodies with the service's own reader (decode,
 *       the type's rules, Avro encoding) and send what it accepts through one producer, without HTTP: the contract's
 *       work alone, so the rest of HTTP JSON's time is what HTTP costs;</li>
 *   <li><b>HTTP JSON</b> and <b>HTTP Avro</b>: the service in this JVM; C clients (default 8) POST batches of B
 *       readings (default 500) as a JSON array or as an Avro container, each waiting for its 202 (sent after Kafka
 *       acknowledged every record).</li>
 * </ul>
 * Each run writes a fresh topic of 4 partitions and the record count of each is checked afterwards. Alternating
 * rounds (default 3), medians. Bodies are built before the clock starts; the clients run in this JVM and share
 * the 2 cores with the service and the broker.
 *
 * <p>Args: {@code [records] [rounds] [clients] [batch]}. Kafka from TRIBUTARY_KAFKA_BOOTSTRAP.
 */
public final class IngestBench {

    private static final String KEY = "bench-key-" + UUID.randomUUID();
    private static final int DEVICES = 200;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        String bootstrap = WarehouseSinkBench.env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        System.out.printf(Locale.ROOT, "records: %d per run, %d rounds, %d HTTP clients x batches of %d, Kafka %s; load average at start: %s%n",
                records, rounds, clients, batch, bootstrap, CpuMeter.loadAverage());

        List<HoverboardReading> readings = readings(records);
        List<byte[]> jsonBodies = bodies(readings, batch, IngestBench::jsonArray);
        List<byte[]> avroBodies = bodies(readings, batch, IngestBench::avroContainer);
        List<byte[]> avroValues = readings.stream().map(r -> encode(r)).toList();

        IngestSettings settings = IngestSettings.of(bootstrap, ApiKeys.of(List.of(KEY))).withPort(0)
                .withLimits(16 * 1024 * 1024, Math.max(batch, 1000), 50_000);
        String run = Long.toString(System.currentTimeMillis(), 36);
        double[] plain = new double[rounds];
        double[] json = new double[rounds];
        double[] avro = new double[rounds];
        double[] validating = new double[rounds];
        // warm-up, a whole run of each side: the JIT needs ~a million records before either side is at speed
        // (measured: the plain producer ran 330 000 records/s in a first round and 1 100 000 in a third)
        runPlain(bootstrap, topic(bootstrap, run + "-warmup-plain"), avroValues, readings);
        runValidating(bootstrap, topic(bootstrap, run + "-warmup-validating"), jsonBodies, clients);
        try (IngestServer server = IngestServer.start(settings.withTopics(Map.of("hoverboard", topic(bootstrap, run + "-warmup"))))) {
            runHttp(server.port(), "application/json", jsonBodies, clients);
            runHttp(server.port(), "application/avro", avroBodies, clients);
        }
        for (int r = 0; r < rounds; r++) {
            String plainTopic = topic(bootstrap, run + "-plain-" + r);
            CpuMeter cpu = new CpuMeter();
            plain[r] = records / (runPlain(bootstrap, plainTopic, avroValues, readings) / 1e9);
            String plainCpu = cpu.report();
            String validatingTopic = topic(bootstrap, run + "-validating-" + r);
            cpu = new CpuMeter();
            validating[r] = records / (runValidating(bootstrap, validatingTopic, jsonBodies, clients) / 1e9);
            String validatingCpu = cpu.report();
            String jsonTopic = topic(bootstrap, run + "-json-" + r);
            String jsonCpu;
            try (IngestServer server = IngestServer.start(settings.withTopics(Map.of("hoverboard", jsonTopic)))) {
                cpu = new CpuMeter();
                json[r] = records / (runHttp(server.port(), "application/json", jsonBodies, clients) / 1e9);
                jsonCpu = cpu.report();
            }
            String avroTopic = topic(bootstrap, run + "-avro-" + r);
            try (IngestServer server = IngestServer.start(settings.withTopics(Map.of("hoverboard", avroTopic)))) {
                avro[r] = records / (runHttp(server.port(), "application/avro", avroBodies, clients) / 1e9);
            }
            check(bootstrap, plainTopic, records);
            check(bootstrap, validatingTopic, records);
            check(bootstrap, jsonTopic, records);
            check(bootstrap, avroTopic, records);
            System.out.printf(Locale.ROOT, "round %d: plain producer %.0f records/s, validating producer %.0f (%.2f), HTTP JSON %.0f"
                            + " (%.2f; %.2f of validating), HTTP Avro %.0f (%.2f)%n  plain: %s%n  validating: %s%n  HTTP JSON: %s%n",
                    r + 1, plain[r], validating[r], validating[r] / plain[r], json[r], json[r] / plain[r], json[r] / validating[r],
                    avro[r], avro[r] / plain[r], plainCpu, validatingCpu, jsonCpu);
        }
        double p = median(plain);
        System.out.printf(Locale.ROOT, "medians: plain producer %.0f records/s; validating producer %.0f, ratio %.2f; HTTP JSON %.0f,"
                        + " ratio %.2f (%.2f of validating); HTTP Avro %.0f, ratio %.2f (goal >= 0.5); load average at end: %s%n",
                p, median(validating), median(validating) / p, median(json), median(json) / p, median(json) / median(validating),
                median(avro), median(avro) / p, CpuMeter.loadAverage());
    }

    /** Nanoseconds to send every value and have Kafka acknowledge it. */
    private static long runPlain(String bootstrap, String topic, List<byte[]> values, List<HoverboardReading> readings) {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        Properties props = KafkaPublisher.producerSettings(client, Duration.ofSeconds(60), Duration.ofMinutes(2));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic); // metadata before the clock starts, as the service has it after warm-up
            AtomicInteger failed = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Exception> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
            long start = System.nanoTime();
            for (int i = 0; i < values.size(); i++) {
                byte[] key = readings.get(i).getDeviceId().toString().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, values.get(i)), (m, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            long took = System.nanoTime() - start;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " records failed", firstFailure.get());
            }
            return took;
        }
    }

    /** Nanoseconds for the threads to read every JSON body with the service's reader and have Kafka take it all. */
    private static long runValidating(String bootstrap, String topic, List<byte[]> bodies, int threads) throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", bootstrap);
        Properties props = KafkaPublisher.producerSettings(client, Duration.ofSeconds(60), Duration.ofMinutes(2));
        @SuppressWarnings("unchecked")
        EventRoute<HoverboardReading> route = (EventRoute<HoverboardReading>) EventRoute.telemetry(Map.of("hoverboard", topic)).get("hoverboard");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor(topic);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    RequestReader<HoverboardReading> reader = new RequestReader<>(route, 16 * 1024 * 1024, 100_000,
                            CodecLimits.DEFAULTS, ValidatorRegistry.defaults());
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        for (ParsedRecord record : reader.read(RequestReader.MediaKind.JSON, bodies.get(i))) {
                            if (!(record instanceof ParsedRecord.Valid valid)) {
                                throw new IllegalStateException("rejected: " + record);
                            }
                            producer.send(new ProducerRecord<>(topic, valid.key().getBytes(StandardCharsets.UTF_8), valid.value()),
                                    (m, e) -> {
                                        if (e != null) {
                                            failed.incrementAndGet();
                                        }
                                    });
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            producer.flush();
            long took = System.nanoTime() - start;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " records failed");
            }
            return took;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Nanoseconds for the clients to POST every body and get its 202. */
    private static long runHttp(int port, String contentType, List<byte[]> bodies, int clients) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/events/hoverboard");
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger next = new AtomicInteger();
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri)
                                .header("Content-Type", contentType).header("Authorization", "Bearer " + KEY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 202 || response.body().contains("\"rejected\":0") == false
                                || response.body().contains("\"failed\":0") == false) {
                            throw new IllegalStateException("batch " + i + ": " + response.statusCode() + " "
                                    + response.body().substring(0, Math.min(300, response.body().length())));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<HoverboardReading> readings(int n) {
        Instant base = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        long[] seq = new long[DEVICES];
        List<HoverboardReading> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int d = i % DEVICES;
            out.add(HoverboardReading.newBuilder().setDeviceId("bench-hb-" + d).setSeq(++seq[d])
                    .setEventTime(base.plusMillis(i)).setBatteryPct(50 + (i % 50)).setTemperatureC(20 + (i % 15) / 2.0)
                    .setSpeedKmh(i % 30).setLatitude(52.5 + (i % 100) / 1000.0).setLongitude(13.4).setErrorCode(null).build());
        }
        return out;
    }

    private static List<byte[]> bodies(List<HoverboardReading> readings, int batch, Function<List<HoverboardReading>, byte[]> body) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < readings.size(); i += batch) {
            out.add(body.apply(readings.subList(i, Math.min(readings.size(), i + batch))));
        }
        return out;
    }

    private static byte[] jsonArray(List<HoverboardReading> batch) {
        return batch.stream().map(r -> String.format(Locale.ROOT, "{\"deviceId\":\"%s\",\"seq\":%d,\"eventTime\":\"%s\","
                                + "\"batteryPct\":%s,\"temperatureC\":%s,\"speedKmh\":%s,\"latitude\":%s,\"longitude\":%s,\"errorCode\":null}",
                        r.getDeviceId(), r.getSeq(), r.getEventTime(), r.getBatteryPct(), r.getTemperatureC(), r.getSpeedKmh(),
                        r.getLatitude(), r.getLongitude()))
                .collect(Collectors.joining(",", "[", "]")).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] avroContainer(List<HoverboardReading> batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<HoverboardReading> writer = new DataFileWriter<>(new SpecificDatumWriter<>(HoverboardReading.class))) {
            writer.create(HoverboardReading.getClassSchema(), out);
            for (HoverboardReading r : batch) {
                writer.append(r);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] encode(HoverboardReading reading) {
        try {
            java.nio.ByteBuffer buffer = reading.toByteBuffer();
            return Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String topic(String bootstrap, String suffix) throws Exception {
        String name = "bench.ingest." + suffix;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, 4, (short) 1))).all().get();
        }
        return name;
    }

    private static void check(String bootstrap, String topic, long expected) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            for (int p = 0; p < 4; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            long total = admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
            if (total != expected) {
                throw new IllegalStateException(topic + " holds " + total + " records, expected " + expected);
            }
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
