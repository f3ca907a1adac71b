package dev.tributary.tools.edge;

import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.sinks.redshift.EdgeAssetStatus;
import dev.tributary.tools.edge.console.EdgeConsole;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.List;
import java.util.Properties;

/**
 * The edge's tools (run by bin/edge): {@code request <assetId>...}, {@code publish [--once]} (the request
 * publisher), {@code sync} (copy delivered files into the local outbox) and {@code console} (the field team's web
 * console, which also publishes and syncs: {@link EdgeConsole}). Settings from the environment:
 * TRIBUTARY_EDGE_ID (edge-1), TRIBUTARY_EDGE_PG_URL/_USER/_PASSWORD (default: TRIBUTARY_PG_*),
 * TRIBUTARY_EDGE_KAFKA_BOOTSTRAP, TRIBUTARY_EDGE_REQUESTS_TOPIC (assets.requested), TRIBUTARY_EDGE_OUTBOX,
 * TRIBUTARY_S3_ENDPOINT/_BUCKET/_ACCESS_KEY/_SECRET_KEY (HQ's object store, where HQ copies delivered files).
 */
public final class EdgeMain {

    private static final int BATCH = 100;
    private static final long PUBLISH_POLL_MILLIS = 1000;

    private EdgeMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        if (args[0].equals("console")) {
            EdgeConsole.main(args); // a server with its own pool, publisher and sync
            return;
        }
        String edgeId = env("TRIBUTARY_EDGE_ID", "edge-1");
        try (Connection c = DriverManager.getConnection(env("TRIBUTARY_EDGE_PG_URL", env("TRIBUTARY_PG_URL", "")),
                env("TRIBUTARY_EDGE_PG_USER", env("TRIBUTARY_PG_USER", "tributary")),
                env("TRIBUTARY_EDGE_PG_PASSWORD", env("TRIBUTARY_PG_PASSWORD", "")))) {
            switch (args[0]) {
                case "request" -> request(c, List.of(args).subList(1, args.length));
                case "publish" -> publish(c, edgeId, args.length > 1 && args[1].equals("--once"));
                case "sync" -> sync(c, edgeId);
                default -> usage();
            }
        }
    }

    private static void request(Connection c, List<String> assetIds) throws Exception {
        for (String assetId : assetIds) {
            boolean changed = EdgeCatalog.request(c, assetId);
            System.out.println(assetId + (changed ? " REQUESTING" : " not changed (unknown, or requested already)"));
        }
    }

    private static void publish(Connection c, String edgeId, boolean once) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", env("TRIBUTARY_EDGE_KAFKA_BOOTSTRAP", "127.0.0.1:19093"));
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        String topic = env("TRIBUTARY_EDGE_REQUESTS_TOPIC", "assets.requested");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            RequestPublisher publisher = new RequestPublisher(producer, topic, edgeId, Clock.systemUTC());
            do {
                int sent = publisher.publishBatch(c, BATCH);
                if (sent > 0) {
                    System.out.println("published " + sent + " request(s) to " + topic);
                } else if (!once) {
                    Thread.sleep(PUBLISH_POLL_MILLIS); // a polling daemon between empty polls, not a test wait
                }
            } while (!once);
        }
    }

    private static void sync(Connection c, String edgeId) throws Exception {
        Path outbox = Path.of(env("TRIBUTARY_EDGE_OUTBOX", ".stack/edge/" + edgeId + "/outbox"));
        ObjectStoreConfig config = ObjectStoreConfig.s3(env("TRIBUTARY_S3_BUCKET", "tributary"),
                env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"), "us-east-1", true,
                env("TRIBUTARY_S3_ACCESS_KEY", ""), env("TRIBUTARY_S3_SECRET_KEY", ""));
        try (ObjectStore store = config.open()) {
            OutboxSync.Result result = new OutboxSync(store, outbox, edgeId).run(c);
            System.out.println("sync to " + outbox + ": " + result);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void usage() {
        System.err.println("usage: bin/edge request <assetId>... | publish [--once] | sync | console   (statuses: "
                + List.of(EdgeAssetStatus.values()) + ")");
        System.exit(2);
    }
}
