package dev.tributary.pipeline.edge;

import dev.tributary.tools.edge.EdgeCatalog;
import dev.tributary.tools.edge.OutboxSync;
import dev.tributary.tools.edge.RequestPublisher;
import dev.tributary.events.AssetRequest;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.S3TestSupport;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.sinks.redshift.WarehouseDialect;
import dev.tributary.sinks.redshift.WarehouseSchema;
import dev.tributary.testing.StackEnv;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's request and sync tools against the stack's real PostgreSQL, Kafka and S3: a request is published
 * once and marked REQUESTED; a publish with nothing REQUESTING sends nothing; sync copies only what HQ delivered
 * into the edge prefix, verifies it, marks DELIVERED, and a second sync transfers nothing. Statuses never go back.
 */
class EdgeRequestsIT {

    private static final String EDGE = "edge-it";
    private static final byte[] PHOTO = "abc".getBytes(StandardCharsets.UTF_8);
    /** sha256("abc") (FIPS 180-2 example), as HQ's broadcast carries it. */
    private static final String PHOTO_SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @TempDir
    Path outbox;
    private WarehouseTestSchema db;
    private Connection c;

    @BeforeEach
    void setUp() throws Exception {
        db = WarehouseTestSchema.fresh("edge_it_" + UUID.randomUUID().toString().substring(0, 8));
        c = DriverManager.getConnection(db.url(), StackEnv.pgUser(), StackEnv.pgPassword());
        c.setAutoCommit(false);
        WarehouseSchema.apply(c, WarehouseDialect.POSTGRESQL);
        c.setAutoCommit(true);
        // the rows the edge flow writes for two broadcasts
        available("a-1", PHOTO_SHA);
        available("a-2", PHOTO_SHA);
    }

    @AfterEach
    void tearDown() throws Exception {
        c.close();
        db.drop();
    }

    @Test
    void requestPublishSyncEachOnce() throws Exception {
        String topic = KafkaTestSupport.createTopics(4, "edge-requested").get(0);
        assertThat(EdgeCatalog.request(c, "a-1")).isTrue();
        assertThat(EdgeCatalog.request(c, "a-2")).isTrue();
        assertThat(EdgeCatalog.request(c, "a-1")).as("already requesting").isFalse();
        assertThat(EdgeCatalog.request(c, "unknown")).isFalse();

        Properties props = KafkaTestSupport.producerProperties();
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            RequestPublisher publisher = new RequestPublisher(producer, topic, EDGE, clock);
            assertThat(publisher.publishBatch(c, 100)).isEqualTo(2);
            assertThat(publisher.publishBatch(c, 100)).as("nothing left to send").isZero();
        }
        List<ConsumerRecord<byte[], byte[]>> sent = KafkaTestSupport.readCommittedToEnd(topic, Duration.ofMinutes(1));
        assertThat(sent).extracting(r -> decode(r.value()).getRequestId())
                .containsExactlyInAnyOrder("edge-it/a-1", "edge-it/a-2");
        assertThat(statuses()).containsExactly("a-1|REQUESTED|2", "a-2|REQUESTED|2");

        // HQ delivered a-1 only (its assets flow copies the blob under the edge's prefix)
        try (var s3 = S3TestSupport.client()) {
            S3TestSupport.put(s3, "edges/" + EDGE + "/assets/a-1/photo.png", PHOTO);
        }
        ObjectStoreConfig config = ObjectStoreConfig.s3(StackEnv.s3Bucket(), StackEnv.s3Endpoint(), "us-east-1", true,
                StackEnv.s3AccessKey(), StackEnv.s3SecretKey());
        try (ObjectStore store = config.open()) {
            OutboxSync sync = new OutboxSync(store, outbox, EDGE);
            assertThat(sync.run(c)).isEqualTo(new OutboxSync.Result(1, 0, 1));
            assertThat(Files.readAllBytes(outbox.resolve("a-1/photo.png"))).isEqualTo(PHOTO);
            assertThat(statuses()).containsExactly("a-1|DELIVERED|3", "a-2|REQUESTED|2");
            assertThat(sync.run(c)).as("a second sync transfers nothing").isEqualTo(new OutboxSync.Result(0, 0, 1));
        }
        assertThat(EdgeCatalog.request(c, "a-1")).as("a delivered asset never goes back").isFalse();
    }

    @Test
    void anAssetAnsweredFailedOrExpiredIsRequestedAgainUnderANewRequestId() throws Exception {
        String topic = KafkaTestSupport.createTopics(4, "edge-rerequested").get(0);
        // how the edge flow records HQ's answers to the first attempt (edge_assets FAILED/EXPIRED, rank 3)
        try (PreparedStatement st = c.prepareStatement(
                "UPDATE edge_assets SET status = CASE asset_id WHEN 'a-1' THEN 'FAILED' ELSE 'EXPIRED' END, status_rank = 3")) {
            st.executeUpdate();
        }
        assertThat(EdgeCatalog.request(c, "a-1")).as("bin/edge request after FAILED").isTrue();
        // a field user may also re-request by plain SQL, without touching the rank
        try (PreparedStatement st = c.prepareStatement("UPDATE edge_assets SET status = 'REQUESTING' WHERE asset_id = 'a-2'")) {
            st.executeUpdate();
        }
        assertThat(statuses()).containsExactly("a-1|REQUESTING|11", "a-2|REQUESTING|3");

        Properties props = KafkaTestSupport.producerProperties();
        Clock clock = Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThat(new RequestPublisher(producer, topic, EDGE, clock).publishBatch(c, 100)).isEqualTo(2);
        }
        // new ids: HQ, which answers each request id once, would ignore the first attempt's ids
        assertThat(KafkaTestSupport.readCommittedToEnd(topic, Duration.ofMinutes(1)))
                .extracting(r -> decode(r.value()).getRequestId())
                .containsExactlyInAnyOrder("edge-it/a-1#1", "edge-it/a-2#1");
        assertThat(statuses()).containsExactly("a-1|REQUESTED|12", "a-2|REQUESTED|12");
        assertThat(EdgeCatalog.request(c, "a-1")).as("requested already").isFalse();
    }

    private void available(String assetId, String sha) throws Exception {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO edge_assets VALUES (?, 'title', 'image/png', ?,"
                + " 'assets/sha256/x', ?, 'AVAILABLE', 0, now())")) {
            st.setString(1, assetId);
            st.setLong(2, PHOTO.length);
            st.setString(3, sha);
            st.executeUpdate();
        }
    }

    private List<String> statuses() throws Exception {
        return db.rows("SELECT asset_id, status, status_rank FROM edge_assets ORDER BY asset_id");
    }

    private static AssetRequest decode(byte[] value) {
        try {
            return AssetRequest.getDecoder().decode(value);
        } catch (Exception e) {
            throw new AssertionError("not an AssetRequest", e);
        }
    }
}
