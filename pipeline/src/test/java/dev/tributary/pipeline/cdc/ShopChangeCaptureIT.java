package dev.tributary.pipeline.cdc;

import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.StackCommand;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.TelemetryFlowIT;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change data capture on the stack's real servers, end to end: Debezium's PostgreSQL connector on the stack's Kafka
 * Connect worker reads the shop database's {@code customers}, and the telemetry flow (on a MiniCluster) reads its
 * change events into the warehouse. A connector of this test's own (its own slot and topic) first snapshots the 100
 * customers already there; the job starts on the snapshot; then 400 inserts, updates and deletes are made while the
 * Connect worker is restarted. Every customer's every version arrives in Kafka, in order, and each one's last event
 * is its final state (a delete: a {@code d} event and a tombstone); and the warehouse's {@code customers} ends equal
 * to the shop's, row for row, with the deleted customers gone.
 *
 * <p>The restart runs {@code TRIBUTARY_CONNECT_RESTART_CMD} (default {@code bin/stack restart connect}).
 */
class ShopChangeCaptureIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CONNECT = System.getenv().getOrDefault("TRIBUTARY_CONNECT_URL", "http://127.0.0.1:8083");
    private static final int CUSTOMERS = 100;
    private static final int CHANGES = 400;

    @Test
    void aSnapshotThenEveryChangeAcrossAConnectRestart() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "cdc-" + run + "-";
        String connector = "it-shop-" + run;
        String topicPrefix = "it" + run;
        String slot = "it_" + run;
        String topic = topicPrefix + ".public.customers";
        Map<String, Long> versions = new HashMap<>(); // what the database holds at the end; absent: deleted

        try (Connection shop = shop()) {
            try (PreparedStatement insert = shop.prepareStatement(
                    "INSERT INTO customers (customer_id, name, email, tier, version) VALUES (?, ?, ?, 'BRONZE', 1)")) {
                for (int i = 0; i < CUSTOMERS; i++) {
                    insert.setString(1, prefix + i);
                    insert.setString(2, "Customer " + i);
                    insert.setString(3, "c" + i + "@example.org");
                    insert.addBatch();
                    versions.put(prefix + i, 1L);
                }
                insert.executeBatch();
            }
            register(connector, topicPrefix, slot);
            WarehouseTestSchema warehouse = WarehouseTestSchema.redshiftLike("it_cdc_" + run);
            JobClient job = null;
            try {
                awaitEvents(topic, prefix, events -> lastByKey(events).size() >= CUSTOMERS, "the snapshot of " + CUSTOMERS + " customers");
                job = telemetryJob(topic, warehouse, run); // from the earliest offset: the snapshot, then the changes

                // changes go on while the worker restarts
                CompletableFuture<Void> changes = CompletableFuture.runAsync(() -> change(shop, prefix, versions));
                StackCommand.run("TRIBUTARY_CONNECT_RESTART_CMD", "bin/stack restart connect",
                        new File("target/connect-restart-" + run + ".log"), Duration.ofMinutes(3));
                changes.get();

                List<JsonNode> events = awaitEvents(topic, prefix, seen -> {
                    Map<String, JsonNode> last = lastByKey(seen);
                    return versions.entrySet().stream().allMatch(e -> last.containsKey(e.getKey())
                            && last.get(e.getKey()).path("after").path("version").asLong() == e.getValue())
                            && last.entrySet().stream().filter(e -> !versions.containsKey(e.getKey()))
                            .allMatch(e -> e.getValue().isNull() || "d".equals(e.getValue().path("op").asText()));
                }, "every change, the last one per customer being its final state");

                Map<String, List<Long>> versionsSeen = new HashMap<>();
                int snapshot = 0;
                for (JsonNode wrapped : events) {
                    JsonNode event = wrapped.path("__value");
                    if (event.isNull()) {
                        continue; // a delete's tombstone
                    }
                    String op = event.path("op").asText();
                    snapshot += "r".equals(op) ? 1 : 0;
                    JsonNode row = "d".equals(op) ? event.path("before") : event.path("after");
                    if (!"d".equals(op)) {
                        versionsSeen.computeIfAbsent(row.path("customer_id").asText(), k -> new ArrayList<>())
                                .add(row.path("version").asLong());
                    }
                }
                assertThat(snapshot).as("snapshot reads").isGreaterThanOrEqualTo(CUSTOMERS);
                versionsSeen.forEach((id, seen) -> {
                    List<Long> distinct = seen.stream().distinct().toList();
                    assertThat(distinct).as("%s: every version, in order (a restart may repeat some)", id).isSorted();
                    assertThat(distinct.get(distinct.size() - 1) - distinct.get(0) + 1).as(id).isEqualTo(distinct.size());
                });
                System.out.printf("cdc: %d events for %d customers (%d snapshot reads), across a Connect restart%n",
                        events.size(), versionsSeen.size(), snapshot);

                // the warehouse ends as the shop is: every row's last values, the deleted ones gone
                String rows = "SELECT customer_id || '|' || name || '|' || coalesce(email, '-') || '|' || coalesce(tier, '-')"
                        + " FROM customers WHERE customer_id LIKE '" + prefix + "%'";
                List<String> shopRows = rows(shop, rows);
                Await.until("the warehouse's customers equal the shop's", Duration.ofMinutes(2),
                        () -> new HashSet<>(warehouse.rows(rows)).equals(new HashSet<>(shopRows)));
                assertThat(warehouse.rows(rows)).containsExactlyInAnyOrderElementsOf(shopRows);
                long deleted = versionsSeen.keySet().stream().filter(id -> !versions.containsKey(id)).count();
                assertThat(deleted).as("customers the changes deleted").isPositive();
                assertThat(warehouse.duplicateKeys()).as("keys held by more than one row").isEmpty();
                System.out.printf("cdc: the warehouse holds the shop's %d customers; %d deleted ones are gone%n",
                        shopRows.size(), deleted);
            } finally {
                if (job != null && !job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
                unregister(connector, slot);
                try (Statement s = shop.createStatement()) {
                    s.executeUpdate("DELETE FROM customers WHERE customer_id LIKE '" + prefix + "%'");
                }
            }
        }
    }

    /** The telemetry flow reading this run's change topic into a warehouse schema of its own. */
    private static JobClient telemetryJob(String topic, WarehouseTestSchema warehouse, String run) throws Exception {
        Map<String, String> raw = TelemetryFlowIT.telemetryOnTheStack(FreshTopics.create(2), warehouse, "devices-it-cdc-" + run);
        raw.put("topics.customer-changes", topic);
        JobSettings settings = WarehouseTestSchema.parse(raw);
        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        return env.executeAsync("shop-cdc-it");
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** CHANGES random updates (version + 1), deletes and new customers, one transaction each, a few ms apart. */
    private static void change(Connection shop, String prefix, Map<String, Long> versions) {
        Random random = new Random(7);
        try (PreparedStatement update = shop.prepareStatement(
                     "UPDATE customers SET tier = ?, version = version + 1, updated_at = now() WHERE customer_id = ?");
             PreparedStatement delete = shop.prepareStatement("DELETE FROM customers WHERE customer_id = ?");
             PreparedStatement insert = shop.prepareStatement(
                     "INSERT INTO customers (customer_id, name, tier, version) VALUES (?, 'New customer', 'GOLD', 1)")) {
            int created = 0;
            for (int i = 0; i < CHANGES; i++) {
                List<String> live = new ArrayList<>(versions.keySet());
                int dice = random.nextInt(20);
                if (dice == 0 && !live.isEmpty()) {
                    String id = live.get(random.nextInt(live.size()));
                    delete.setString(1, id);
                    delete.executeUpdate();
                    versions.remove(id);
                } else if (dice == 1) {
                    String id = prefix + "new-" + created++;
                    insert.setString(1, id);
                    insert.executeUpdate();
                    versions.put(id, 1L);
                } else if (!live.isEmpty()) {
                    String id = live.get(random.nextInt(live.size()));
                    update.setString(1, random.nextBoolean() ? "GOLD" : "SILVER");
                    update.setString(2, id);
                    update.executeUpdate();
                    versions.merge(id, 1L, Long::sum);
                }
                Thread.sleep(15);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The last event of each customer of the run (a tombstone as JSON null). */
    private static Map<String, JsonNode> lastByKey(List<JsonNode> events) {
        Map<String, JsonNode> last = new HashMap<>();
        for (JsonNode event : events) {
            last.put(event.path("__key").asText(), event.path("__value"));
        }
        return last;
    }

    /**
     * Reads the topic from the beginning until {@code done} holds for the run's events, each as
     * {@code {"__key": id, "__value": <change event or null>}}, in topic order per partition.
     */
    private static List<JsonNode> awaitEvents(String topic, String prefix, Predicate<List<JsonNode>> done, String what) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", StackEnv.kafkaBootstrap());
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            while (consumer.partitionsFor(topic).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(seen)) {
                assertThat(System.nanoTime()).as("%s: %d events after 4 minutes", what, seen.size()).isLessThan(deadline);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String id = JSON.readTree(r.key()).path("customer_id").asText();
                    if (id.startsWith(prefix)) {
                        JsonNode value = r.value() == null ? JSON.nullNode() : JSON.readTree(r.value());
                        seen.add(JSON.createObjectNode().put("__key", id).set("__value", value));
                    }
                }
            }
        }
        return seen;
    }

    private static void register(String name, String topicPrefix, String slot) throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("plugin.name", "pgoutput");
        config.put("database.hostname", "127.0.0.1");
        config.put("database.port", String.valueOf(URI.create(StackEnv.pgUrl().substring(5)).getPort()));
        config.put("database.dbname", "shop");
        config.put("database.user", System.getenv().getOrDefault("TRIBUTARY_CDC_USER", "tributary_cdc"));
        config.put("database.password", System.getenv("TRIBUTARY_CDC_PASSWORD"));
        config.put("topic.prefix", topicPrefix);
        config.put("table.include.list", "public.customers");
        config.put("slot.name", slot);
        config.put("publication.name", "tributary_shop");
        config.put("publication.autocreate.mode", "disabled");
        config.put("snapshot.mode", "initial");
        config.put("topic.creation.default.partitions", "4");
        config.put("topic.creation.default.replication.factor", "1");
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(CONNECT + "/connectors/" + name + "/config"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isIn(200, 201);
    }

    private static void unregister(String name, String slot) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(CONNECT + "/connectors/" + name)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        // the slot outlives its connector (slot.drop.on.stop would drop it at every restart, losing the changes
        // made meanwhile): drop it, or it holds the database's WAL for ever
        try (Connection cdc = DriverManager.getConnection(StackEnv.pgUrl().replace("/tributary", "/shop"),
                System.getenv().getOrDefault("TRIBUTARY_CDC_USER", "tributary_cdc"), System.getenv("TRIBUTARY_CDC_PASSWORD"))) {
            // the slot stays active until the deleted connector's task has stopped
            Await.until("replication slot " + slot + " dropped", Duration.ofMinutes(1), () -> {
                try (PreparedStatement drop = cdc.prepareStatement(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
                    drop.setString(1, slot);
                    drop.executeQuery().close();
                }
                try (PreparedStatement left = cdc.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
                    left.setString(1, slot);
                    try (ResultSet rs = left.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) == 0;
                    }
                }
            });
        }
    }

    private static Connection shop() throws Exception {
        return DriverManager.getConnection(StackEnv.pgUrl().replace("/tributary", "/shop"), StackEnv.pgUser(), StackEnv.pgPassword());
    }
}
