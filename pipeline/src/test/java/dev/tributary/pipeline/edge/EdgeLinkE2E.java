package dev.tributary.pipeline.edge;

import dev.tributary.tools.edge.EdgeCatalog;
import dev.tributary.tools.edge.OutboxSync;
import dev.tributary.tools.edge.RequestPublisher;
import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.SessionCluster;
import dev.tributary.pipeline.StackCommand;
import dev.tributary.tools.edge.console.LinkMonitor;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.testing.StackEnv;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HQ/edge link through MirrorMaker 2 survives an outage: broadcasts produced at HQ and requests produced at the
 * edge while the mirror is stopped queue on their own cluster and arrive once it runs again, each exactly once;
 * records of an aborted HQ transaction never cross. And the demo's loop on the session cluster: HQ's job
 * (flows=assets) and the edge's (flows=edge) linked by the mirror, driven by the edge's own tools (request,
 * publish, sync): a stored asset ends DELIVERED with a verified local file, one whose download failed at HQ ends
 * FAILED, one HQ never stored ends EXPIRED, and a re-request after FAILED is answered again.
 *
 * <p>An E2E (failsafe, in every {@code mvn verify} and so in bin/test): it needs the optional services edge-kafka and
 * mirror (~40 s to start, ~1.1 GB), so when no edge broker answers it starts them itself
 * ({@code TRIBUTARY_EDGE_UP_CMD}, default {@code bin/stack up edge-kafka mirror}) and stops them again afterwards
 * ({@code TRIBUTARY_EDGE_DOWN_CMD}, default {@code bin/stack stop edge-kafka mirror}), so the rest of the build keeps
 * its memory; services that were up before are left running. The outage runs {@code TRIBUTARY_MIRROR_STOP_CMD}
 * (default {@code bin/stack stop mirror}) and {@code TRIBUTARY_MIRROR_START_CMD} (default {@code bin/stack up
 * mirror}). It uses its own topics with the suffix {@code .e2e-<id>}, which stack/mirror/conf/mm2.properties
 * replicates like the real ones. It prints how many records crossed in each direction before, during and after
 * the outage.
 */
class EdgeLinkE2E {

    private static final Duration REPLICATED = Duration.ofMinutes(2);
    private static boolean startedHere;

    private final String hq = StackEnv.kafkaBootstrap();
    private final String edge = StackEnv.edgeKafkaBootstrap();

    @BeforeAll
    static void edgeServicesUp() throws Exception {
        if (!reachable(StackEnv.edgeKafkaBootstrap())) {
            StackCommand.run("TRIBUTARY_EDGE_UP_CMD", "bin/stack up edge-kafka mirror",
                    new File("target/edge-services-up.log"), Duration.ofMinutes(5));
            startedHere = true;
        } else {
            // the broker may be up without the link (a previous run's outage): the test needs both
            StackCommand.run("TRIBUTARY_MIRROR_START_CMD", "bin/stack up mirror",
                    new File("target/edge-mirror-start.log"), Duration.ofMinutes(4));
        }
    }

    @AfterAll
    static void edgeServicesDown() throws Exception {
        if (startedHere) {
            StackCommand.run("TRIBUTARY_EDGE_DOWN_CMD", "bin/stack stop edge-kafka mirror",
                    new File("target/edge-services-down.log"), Duration.ofMinutes(2));
        }
    }

    @Test
    void broadcastsAndRequestsCrossTheLinkExactlyOnceThroughAnOutage() throws Exception {
        String suffix = ".e2e-" + UUID.randomUUID().toString().substring(0, 8);
        String broadcast = "assets.broadcast" + suffix;
        String requested = "assets.requested" + suffix;
        createTopic(hq, broadcast);
        createTopic(edge, requested);
        // the mirror finds new topics at its next refresh (10 s) and creates them on the other side
        Await.until(broadcast + " on the edge and " + requested + " at HQ", REPLICATED,
                () -> topicExists(edge, broadcast) && topicExists(hq, requested));

        List<String> broadcasts = new ArrayList<>(keys("asset-", 0, 20));
        List<String> requests = new ArrayList<>(keys("request-", 0, 10));
        produceInTransaction(hq, broadcast, broadcasts, true);
        produceInTransaction(hq, broadcast, keys("aborted-", 0, 5), false);
        produceInTransaction(edge, requested, requests, true);
        awaitExactly(edge, broadcast, broadcasts);
        awaitExactly(hq, requested, requests);
        System.out.printf("edge link, before the outage: %d broadcasts HQ->edge (+5 aborted, not copied),"
                + " %d requests edge->HQ, each exactly once%n", broadcasts.size(), requests.size());

        // the edge console's view of the link: MirrorMaker's heartbeats, copied from HQ to the edge
        LinkMonitor link = new LinkMonitor(edge, "hq.heartbeats", Duration.ofSeconds(6), Clock.systemUTC()).start();
        try {
            Await.until("the link UP (a fresh heartbeat from HQ on the edge)", REPLICATED,
                    () -> link.state().state().equals("UP"));
            System.out.printf("edge link: %s, heartbeat from HQ %d s ago%n", link.state().state(), link.state().secondsSinceHeartbeat());

            StackCommand.run("TRIBUTARY_MIRROR_STOP_CMD", "bin/stack stop mirror",
                    new File("target/edge-mirror-stop.log"), Duration.ofMinutes(1));
            Await.until("the link DOWN while the mirror is stopped", Duration.ofSeconds(30),
                    () -> link.state().state().equals("DOWN"));
            System.out.printf("edge link with the mirror stopped: %s (%s)%n", link.state().state(), link.state().detail());
            linkOutage(broadcast, requested, broadcasts, requests);
            Await.until("the link UP again", REPLICATED, () -> link.state().state().equals("UP"));
        } finally {
            link.close();
        }
    }

    private void linkOutage(String broadcast, String requested, List<String> broadcasts, List<String> requests)
            throws Exception {
        List<String> queuedBroadcasts = keys("asset-", 20, 50);
        List<String> queuedRequests = keys("request-", 10, 25);
        produceInTransaction(hq, broadcast, queuedBroadcasts, true);
        produceInTransaction(edge, requested, queuedRequests, true);
        // nothing can cross while the mirror is down: each side still holds only what crossed before
        assertThat(keysOf(KafkaTestSupport.readCommittedToEnd(edge, broadcast, REPLICATED))).hasSameElementsAs(broadcasts);
        assertThat(keysOf(KafkaTestSupport.readCommittedToEnd(hq, requested, REPLICATED))).hasSameElementsAs(requests);

        StackCommand.run("TRIBUTARY_MIRROR_START_CMD", "bin/stack up mirror",
                new File("target/edge-mirror-start.log"), Duration.ofMinutes(4));
        broadcasts.addAll(queuedBroadcasts);
        requests.addAll(queuedRequests);
        awaitExactly(edge, broadcast, broadcasts);
        awaitExactly(hq, requested, requests);
        System.out.printf("edge link, after the outage: %d broadcasts and %d requests queued during it crossed;"
                + " totals %d broadcasts at the edge, %d requests at HQ, none lost or doubled%n",
                queuedBroadcasts.size(), queuedRequests.size(), broadcasts.size(), requests.size());
    }

    @Test
    void anAssetWalksFromHqToTheEdgesOutboxAndUnservedRequestsEndFailedOrExpired() throws Exception {
        // the link must be up, whatever the outage test left behind
        StackCommand.run("TRIBUTARY_MIRROR_START_CMD", "bin/stack up mirror",
                new File("target/edge-mirror-up.log"), Duration.ofMinutes(4));
        String run = UUID.randomUUID().toString().substring(0, 8);
        String suffix = ".e2e-" + run;
        String edgeId = "edge-e2e-" + run;
        // the mirrored topics, on both sides (the mirror copies into them; their names match mm2.properties)
        String broadcast = "assets.broadcast" + suffix;
        String delivered = "assets.delivered" + suffix;
        String requested = "assets.requested" + suffix;
        for (String topic : List.of(broadcast, delivered, requested)) {
            createTopic(hq, topic);
            createTopic(edge, topic);
        }
        List<String> hqOnly = KafkaTestSupport.createTopics(2, "announced", "status", "dead-letter", "validated");
        WarehouseTestSchema hqDb = WarehouseTestSchema.fresh("edge_e2e_hq_" + run);
        WarehouseTestSchema edgeDb = WarehouseTestSchema.fresh("edge_e2e_edge_" + run);
        Path outbox = Files.createTempDirectory("edge-e2e-outbox");
        List<String> jobs = new ArrayList<>();
        try (SampleAssetServer server = SampleAssetServer.start(0, 24)) {
            jobs.add(SessionCluster.runDetached(null, args(Map.ofEntries(
                    Map.entry("job.name", "edge-e2e HQ " + run), Map.entry("flows", "assets"),
                    Map.entry("kafka.bootstrap-servers", hq), Map.entry("kafka.starting-offsets", "earliest"),
                    Map.entry("kafka.transactional-id-prefix", "edge-e2e-hq-" + run),
                    Map.entry("topics.assets-announced", hqOnly.get(0)), Map.entry("topics.assets-status", hqOnly.get(1)),
                    Map.entry("topics.dead-letter", hqOnly.get(2)), Map.entry("topics.validated", hqOnly.get(3)),
                    Map.entry("topics.assets-requested", requested), Map.entry("topics.assets-broadcast", broadcast),
                    Map.entry("topics.assets-delivered", delivered),
                    Map.entry("objectstore.url", "s3://" + StackEnv.s3Bucket()),
                    Map.entry("objectstore.endpoint", StackEnv.s3Endpoint()), Map.entry("objectstore.path-style", "true"),
                    Map.entry("objectstore.access-key", "${env:TRIBUTARY_S3_ACCESS_KEY}"),
                    Map.entry("objectstore.secret-key", "${env:TRIBUTARY_S3_SECRET_KEY}"),
                    Map.entry("assets.allowed-hosts", "127.0.0.1"), Map.entry("assets.retry-attempts", "1"),
                    Map.entry("assets.request-ttl", "5s"),
                    Map.entry("warehouse.jdbc-url", hqDb.url()), Map.entry("warehouse.user", StackEnv.pgUser()),
                    Map.entry("warehouse.password", "${env:TRIBUTARY_PG_PASSWORD}"),
                    Map.entry("search.url", StackEnv.esUrl())))));
            jobs.add(SessionCluster.runDetached(null, args(Map.ofEntries(
                    Map.entry("job.name", "edge-e2e edge " + run), Map.entry("flows", "edge"),
                    Map.entry("edge.id", edgeId), Map.entry("kafka.bootstrap-servers", edge),
                    Map.entry("kafka.starting-offsets", "earliest"),
                    Map.entry("kafka.transactional-id-prefix", "edge-e2e-edge-" + run),
                    Map.entry("topics.edge-assets-broadcast", broadcast),
                    Map.entry("topics.edge-assets-delivered", delivered),
                    Map.entry("warehouse.jdbc-url", edgeDb.url()), Map.entry("warehouse.user", StackEnv.pgUser()),
                    Map.entry("warehouse.password", "${env:TRIBUTARY_PG_PASSWORD}"),
                    Map.entry("warehouse.flush-interval", "500ms")))));

            // announced at HQ: one that downloads, one whose download fails (HQ: FAILED, never broadcast)
            String good = "good-" + run;
            String gone = "gone-" + run;
            String ghost = "ghost-" + run;
            String goodPath = "/img/" + run + ".png";
            KafkaTestSupport.produce(hqOnly.get(0), List.of(announcement(good, server.url(goodPath)),
                    announcement(gone, server.url("/status/404"))));
            Await.until("HQ's download of " + gone + " FAILED", REPLICATED, () -> statusesOf(hqOnly.get(1)).stream()
                    .anyMatch(st -> st.getAssetId().equals(gone) && st.getState() == AssetState.FAILED));
            // broadcasts HQ no longer backs (e.g. replayed from before its state was lost): the edge can ask for
            // them, HQ answers FAILED (gone) or, never storing it, EXPIRED after assets.request-ttl (ghost)
            produceInTransaction(hq, broadcast, List.of(gone, ghost), id -> AvroEventSerializer.encode(
                    AssetBroadcast.newBuilder().setAssetId(id).setVersion(1).setSource("hq-e2e").setTitle("stale " + id)
                            .setMediaType("image/png").setContentType("image/png").setObjectKey("assets/sha256/" + id)
                            .setSha256("0".repeat(64)).setSizeBytes(1).setStoredAt(Instant.now()).build()));

            try (Connection c = DriverManager.getConnection(edgeDb.url(), StackEnv.pgUser(), StackEnv.pgPassword())) {
                Await.until("three AVAILABLE rows in the edge catalog", REPLICATED, () -> edgeDb.countOrMinusOne(
                        "SELECT count(*) FROM edge_assets WHERE status = 'AVAILABLE'") == 3);
                for (String id : List.of(good, gone, ghost)) {
                    assertThat(EdgeCatalog.request(c, id)).as("request " + id).isTrue();
                }
                assertThat(publish(c, edgeId, requested)).isEqualTo(3);

                Await.until(gone + " FAILED and " + ghost + " EXPIRED at the edge", REPLICATED, () -> edgeDb.countOrMinusOne(
                        "SELECT count(*) FROM edge_assets WHERE (asset_id = '" + gone + "' AND status = 'FAILED')"
                                + " OR (asset_id = '" + ghost + "' AND status = 'EXPIRED')") == 2);
                ObjectStoreConfig s3 = ObjectStoreConfig.s3(StackEnv.s3Bucket(), StackEnv.s3Endpoint(), "us-east-1",
                        true, StackEnv.s3AccessKey(), StackEnv.s3SecretKey());
                try (ObjectStore store = s3.open()) {
                    OutboxSync sync = new OutboxSync(store, outbox, edgeId);
                    Await.until(good + " DELIVERED by bin/edge sync", REPLICATED, () -> sync.run(c).copied() == 1);
                    assertThat(sync.run(c)).as("nothing left to copy").isEqualTo(new OutboxSync.Result(0, 0, 0));
                }
                List<Path> files;
                try (var listing = Files.list(outbox.resolve(good))) {
                    files = listing.toList();
                }
                assertThat(files).as("the outbox holds the file, no temporary").hasSize(1);
                assertThat(Sha256.hex(Files.readAllBytes(files.get(0)))).isEqualTo(Sha256.hex(server.bytesOf(goodPath)));

                // asked again after FAILED: a new request id, answered again (FAILED: the download still fails)
                assertThat(EdgeCatalog.request(c, gone)).isTrue();
                assertThat(publish(c, edgeId, requested)).isEqualTo(1);
                Await.until(gone + " FAILED again in its second attempt", REPLICATED, () -> edgeDb.countOrMinusOne(
                        "SELECT count(*) FROM edge_assets WHERE asset_id = '" + gone + "' AND status_rank = 13") == 1);
                assertThat(edgeDb.rows("SELECT asset_id, status, status_rank FROM edge_assets ORDER BY asset_id"))
                        .containsExactlyInAnyOrder(ghost + "|EXPIRED|3", gone + "|FAILED|13", good + "|DELIVERED|3");
            }
            List<String> answered = KafkaTestSupport.readCommittedToEnd(edge, delivered, REPLICATED).stream()
                    .map(r -> decodeDelivery(r.value())).map(d -> d.getRequestId() + "=" + d.getState()).toList();
            assertThat(answered).as("HQ's answers at the edge, each once").containsExactlyInAnyOrder(
                    edgeId + "/" + good + "=DELIVERED", edgeId + "/" + gone + "=FAILED",
                    edgeId + "/" + ghost + "=EXPIRED", edgeId + "/" + gone + "#1=FAILED");
            System.out.printf("edge loop: %s DELIVERED (sha256 verified), %s FAILED twice (2 attempts), %s EXPIRED;"
                    + " answers at the edge: %s%n", good, gone, ghost, answered);
        } finally {
            for (String job : jobs) {
                SessionCluster.cancel(job);
            }
            hqDb.drop();
            edgeDb.drop();
        }
    }

    private int publish(Connection c, String edgeId, String topic) throws Exception {
        Properties props = KafkaTestSupport.producerProperties(edge);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return new RequestPublisher(producer, topic, edgeId, Clock.systemUTC()).publishBatch(c, 100);
        }
    }

    private static List<String> args(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        new TreeMap<>(settings).forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    private static Map.Entry<String, byte[]> announcement(String id, String url) {
        AssetAnnounced a = AssetAnnounced.newBuilder().setAssetId(id).setSource("hq-e2e").setTitle("asset " + id)
                .setMediaType("image/png").setUrl(url).setPublishedAt(Instant.now()).setVersion(1).build();
        return new SimpleEntry<>(id, AvroEventSerializer.encode(a));
    }

    private static List<AssetStatus> statusesOf(String topic) throws Exception {
        List<AssetStatus> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestSupport.readCommittedToEnd(topic, REPLICATED)) {
            out.add(AssetStatus.getDecoder().decode(r.value()));
        }
        return out;
    }

    private static AssetDelivery decodeDelivery(byte[] value) {
        try {
            return AssetDelivery.getDecoder().decode(value);
        } catch (Exception e) {
            throw new AssertionError("not an AssetDelivery", e);
        }
    }

    /** Waits until the topic holds as many committed records as expected, then checks they are exactly those keys. */
    private static void awaitExactly(String bootstrap, String topic, List<String> expected) throws Exception {
        Await.until(expected.size() + " records in " + topic + " at " + bootstrap, REPLICATED,
                () -> KafkaTestSupport.readCommittedToEnd(bootstrap, topic, REPLICATED).size() >= expected.size());
        List<String> seen = keysOf(KafkaTestSupport.readCommittedToEnd(bootstrap, topic, REPLICATED));
        assertThat(seen).as("records of %s at %s", topic, bootstrap).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<String> keysOf(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }

    private static List<String> keys(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    /** One transaction with every key (value = key); committed or aborted. */
    private static void produceInTransaction(String bootstrap, String topic, List<String> keys, boolean commit) {
        produceInTransaction(bootstrap, topic, keys, k -> k.getBytes(StandardCharsets.UTF_8), commit);
    }

    /** One committed transaction with every key and its value. */
    private static void produceInTransaction(String bootstrap, String topic, List<String> keys,
                                             Function<String, byte[]> value) {
        produceInTransaction(bootstrap, topic, keys, value, true);
    }

    private static void produceInTransaction(String bootstrap, String topic, List<String> keys,
                                             Function<String, byte[]> value, boolean commit) {
        Properties props = KafkaTestSupport.clientProperties(bootstrap);
        props.put("transactional.id", "edge-e2e-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            keys.forEach(k -> producer.send(new ProducerRecord<>(topic, k.getBytes(StandardCharsets.UTF_8), value.apply(k))));
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(KafkaTestSupport.clientProperties(bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
        }
    }

    private static boolean topicExists(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(KafkaTestSupport.clientProperties(bootstrap))) {
            Set<String> names = admin.listTopics().names().get();
            return names.contains(topic);
        }
    }

    private static boolean reachable(String bootstrap) {
        String[] hostPort = bootstrap.split(",")[0].split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 2000);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
