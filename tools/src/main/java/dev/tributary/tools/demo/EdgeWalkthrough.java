package dev.tributary.tools.demo;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.sinks.redshift.EdgeRequestId;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * The edge part of the demo (run by bin/demo once HQ's and the edge's jobs, the mirror and the request publisher
 * run): walks one new asset through the whole loop and prints what it observed at each step, where a field user
 * would look: announced at HQ, stored, broadcast, replicated to the edge, AVAILABLE in the edge catalog,
 * {@code bin/edge request}, REQUESTED, the request at HQ, HQ's answer, the answer at the edge, {@code bin/edge sync},
 * DELIVERED with a sha256-verified local file. Each step waits for its observation with a deadline; a step that
 * does not happen ends the walk with exit code 1 and a message naming the step and where to look.
 *
 * <p>Usage: {@code EdgeWalkthrough --hq-bootstrap h:p --edge-bootstrap h:p --edge-pg-url jdbc:... --pg-user u
 * --samples http://127.0.0.1:8099 --outbox dir [--edge-id edge-1] [--edge-tool bin/edge] [--bucket tributary]
 * [--step-seconds 180]};
 * the database password from TRIBUTARY_PG_PASSWORD (TRIBUTARY_EDGE_PG_PASSWORD when set).
 */
public final class EdgeWalkthrough {

    private final Options o;
    private final String assetId;
    private final long started = System.nanoTime();
    private int step;

    private EdgeWalkthrough(Options options, String assetId) {
        this.o = options;
        this.assetId = assetId;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String assetId = "edge-demo-" + Long.toString(System.currentTimeMillis(), 36);
        try {
            new EdgeWalkthrough(options, assetId).run();
        } catch (StepFailed e) {
            System.out.println();
            System.out.println("edge demo FAILED at " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        String url = o.samples() + "/img/" + assetId + ".png";
        System.out.printf(Locale.ROOT, "Walking asset %s from HQ to edge %s (each step waits up to %d s)%n",
                assetId, o.edgeId(), o.stepTimeout().toSeconds());
        announce(url);
        report("announced at HQ", "AssetAnnounced on assets.announced @ " + o.hqBootstrap() + ", url " + url);

        AssetStatus stored = awaitRecord("stored at HQ", o.hqBootstrap(), "assets.status", AssetStatus.getDecoder(),
                s -> s.getState() == AssetState.STORED,
                "HQ's job downloads it (Flink UI http://localhost:8081; tail .stack/demo/assets.log)");
        report("stored at HQ", "s3://" + o.bucket() + "/" + stored.getObjectKey() + " (" + stored.getContentType() + ", "
                + stored.getSizeBytes() + " bytes)");

        AssetBroadcast broadcast = awaitRecord("broadcast by HQ", o.hqBootstrap(), "assets.broadcast",
                AssetBroadcast.getDecoder(), b -> true, "HQ's assets flow publishes it on a checkpoint (10 s)");
        report("broadcast by HQ", "AssetBroadcast on assets.broadcast @ " + o.hqBootstrap() + ", sha256 "
                + broadcast.getSha256());

        awaitRecord("replicated to the edge", o.edgeBootstrap(), "assets.broadcast", AssetBroadcast.getDecoder(),
                b -> true, "MirrorMaker 2 copies it (bin/stack status mirror; .stack/mirror/mirror.log)");
        report("replicated to the edge", "AssetBroadcast on assets.broadcast @ " + o.edgeBootstrap() + " (MirrorMaker 2)");

        report("AVAILABLE in the edge catalog", awaitRow("AVAILABLE in the edge catalog", "AVAILABLE",
                "the edge job writes edge_assets (Flink UI: job 'Tributary edge (demo)')"));

        runTool("request", "request");
        report("REQUESTED by the edge's request publisher", awaitRow("REQUESTED by the edge's request publisher",
                "REQUESTED", "bin/edge publish runs (tail .stack/demo/edge-publisher.log)"));

        String requestId = new EdgeRequestId(o.edgeId(), assetId, 0).toString();
        awaitRecord("request replicated to HQ", o.hqBootstrap(), "assets.requested", AssetRequest.getDecoder(),
                r -> r.getRequestId().equals(requestId), "MirrorMaker 2 copies the edge's assets.requested to HQ");
        report("request replicated to HQ", "AssetRequest " + requestId + " on assets.requested @ " + o.hqBootstrap());

        AssetDelivery answer = awaitRecord("answered by HQ", o.hqBootstrap(), "assets.delivered",
                AssetDelivery.getDecoder(), d -> d.getRequestId().equals(requestId),
                "HQ's assets flow copies the blob into the edge's outbox prefix and answers on assets.delivered");
        if (answer.getState() != AssetState.DELIVERED) {
            throw new StepFailed(stepName("answered by HQ") + ": HQ answered " + answer.getState() + ": " + answer.getReason());
        }
        report("answered by HQ", "DELIVERED, copied to s3://" + o.bucket() + "/" + answer.getObjectKey());

        awaitRecord("answer replicated to the edge", o.edgeBootstrap(), "assets.delivered", AssetDelivery.getDecoder(),
                d -> d.getRequestId().equals(requestId), "MirrorMaker 2 copies HQ's assets.delivered to the edge");
        report("answer replicated to the edge", "AssetDelivery on assets.delivered @ " + o.edgeBootstrap());

        runTool("sync", "sync");
        String row = awaitRow("DELIVERED after bin/edge sync", "DELIVERED", "bin/edge sync copies delivered files");
        Path file = localFile();
        String sha = Sha256.hex(Files.readAllBytes(file));
        if (!sha.equals(broadcast.getSha256())) {
            throw new StepFailed(stepName("DELIVERED after bin/edge sync") + ": " + file + " has sha256 " + sha
                    + ", the broadcast announced " + broadcast.getSha256());
        }
        report("DELIVERED after bin/edge sync", row + "; " + file + " (" + Files.size(file)
                + " bytes, sha256 " + sha + " = broadcast)");
        System.out.printf(Locale.ROOT, "Edge loop complete for %s.%n", assetId);
    }

    private void announce(String url) {
        Properties props = new Properties();
        props.put("bootstrap.servers", o.hqBootstrap());
        props.put("acks", "all");
        AssetAnnounced a = AssetAnnounced.newBuilder().setAssetId(assetId).setSource("hq-demo")
                .setTitle("Edge demo photo " + assetId).setDescription("walked from HQ to the edge by bin/demo")
                .setMediaType("image/png").setUrl(url).setPublishedAt(Instant.now()).setTags(List.of("demo", "edge"))
                .setVersion(1).build();
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("assets.announced", assetId.getBytes(StandardCharsets.UTF_8),
                    AvroEventSerializer.encode(a)));
            producer.flush();
        }
    }

    /** Waits for a committed record of the asset (keyed by its id) on the topic that passes {@code test}. */
    private <T> T awaitRecord(String what, String bootstrap, String topic, BinaryMessageDecoder<T> decoder,
                              Predicate<T> test, String hint) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        byte[] key = assetId.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + o.stepTimeout().toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    if (r.key() != null && java.util.Arrays.equals(r.key(), key)) {
                        T value = decoder.decode(ByteBuffer.wrap(r.value()));
                        if (test.test(value)) {
                            return value;
                        }
                    }
                }
            }
        }
        throw new StepFailed(stepName(what) + ": nothing for " + assetId + " on " + topic + " @ " + bootstrap
                + " within " + o.stepTimeout().toSeconds() + " s; " + hint);
    }

    /** Waits until the asset's edge_assets row has {@code status}; returns the row as text. */
    private String awaitRow(String what, String status, String hint) throws Exception {
        long deadline = System.nanoTime() + o.stepTimeout().toNanos();
        String last = "no row";
        try (Connection c = DriverManager.getConnection(o.edgePgUrl(), o.pgUser(), o.pgPassword())) {
            do {
                Optional<String[]> row = row(c);
                if (row.isPresent()) {
                    String[] r = row.get();
                    last = String.format(Locale.ROOT, "edge_assets: %s | %s | %s | %s bytes | %s", assetId, r[0],
                            r[1], r[2], r[3]);
                    if (r[3].equals(status)) {
                        return last;
                    }
                }
                // a polling wait of a demo tool (the user watches it), bounded by the deadline
                Thread.sleep(500);
            } while (System.nanoTime() < deadline);
        } catch (SQLException e) {
            throw new StepFailed(stepName(what) + ": the edge database " + o.edgePgUrl() + " failed: " + e.getMessage());
        }
        throw new StepFailed(stepName(what) + ": not " + status + " within " + o.stepTimeout().toSeconds()
                + " s (" + last + "); " + hint);
    }

    private Optional<String[]> row(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "SELECT title, media_type, size_bytes, status FROM edge_assets WHERE asset_id = ?")) {
            st.setString(1, assetId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2),
                        Long.toString(rs.getLong(3)), rs.getString(4)}) : Optional.empty();
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty(); // the edge job has not created edge_assets yet
            }
            throw e;
        }
    }

    /** Runs {@code bin/edge <command> [assetId]} as a user would, showing the command and its output. */
    private void runTool(String what, String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(o.edgeTool(), command));
        if (command.equals("request")) {
            cmd.add(assetId);
        }
        System.out.println("      $ " + String.join(" ", cmd));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int rc = p.waitFor();
        if (!output.isEmpty()) {
            output.lines().forEach(l -> System.out.println("        " + l));
        }
        if (rc != 0) {
            throw new StepFailed("bin/edge " + what + ": exit code " + rc);
        }
    }

    private Path localFile() throws IOException {
        Path dir = o.outbox().resolve(assetId);
        try (var files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().endsWith(".part")).findFirst()
                    .orElseThrow(() -> new StepFailed(stepName("DELIVERED after bin/edge sync") + ": no file in " + dir));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StepFailed(stepName("DELIVERED after bin/edge sync") + ": no directory " + dir);
        }
    }

    private void report(String what, String observed) {
        System.out.printf(Locale.ROOT, "[%2d] %5.1fs %-42s %s%n", ++step, (System.nanoTime() - started) / 1e9,
                what, observed);
    }

    private String stepName(String what) {
        return "step " + (step + 1) + " '" + what + "'";
    }

    /** A step that did not happen; the message names it. */
    private static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message);
        }
    }

    private record Options(String hqBootstrap, String edgeBootstrap, String edgePgUrl, String pgUser,
                           String pgPassword, String samples, Path outbox, String edgeId, String edgeTool,
                           String bucket, Duration stepTimeout) {

        static Options parse(String[] args) {
            java.util.Map<String, String> a = new java.util.HashMap<>(java.util.Map.of("--edge-id", "edge-1",
                    "--edge-tool", "bin/edge", "--step-seconds", "180", "--bucket", "tributary"));
            for (int i = 0; i + 1 < args.length; i += 2) {
                a.put(args[i], args[i + 1]);
            }
            for (String required : List.of("--hq-bootstrap", "--edge-bootstrap", "--edge-pg-url", "--pg-user",
                    "--samples", "--outbox")) {
                if (!a.containsKey(required)) {
                    throw new IllegalArgumentException("missing " + required + "; usage: EdgeWalkthrough --hq-bootstrap"
                            + " h:p --edge-bootstrap h:p --edge-pg-url jdbc:... --pg-user u --samples url --outbox dir"
                            + " [--edge-id id] [--edge-tool bin/edge] [--bucket b] [--step-seconds n]");
                }
            }
            String password = System.getenv("TRIBUTARY_EDGE_PG_PASSWORD");
            if (password == null || password.isBlank()) {
                password = System.getenv().getOrDefault("TRIBUTARY_PG_PASSWORD", "");
            }
            return new Options(a.get("--hq-bootstrap"), a.get("--edge-bootstrap"), a.get("--edge-pg-url"),
                    a.get("--pg-user"), password, a.get("--samples"), Path.of(a.get("--outbox")), a.get("--edge-id"),
                    a.get("--edge-tool"), a.get("--bucket"), Duration.ofSeconds(Long.parseLong(a.get("--step-seconds"))));
        }
    }
}
