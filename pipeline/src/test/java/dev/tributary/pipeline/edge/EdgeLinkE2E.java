package dev.tributary.pipeline.edge;

import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.StackCommand;
import dev.tributary.testing.StackEnv;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The HQ/edge link through MirrorMaker 2 survives an outage: broadcasts produced at HQ and requests produced at the
 * edge while the mirror is stopped queue on their own cluster and arrive once it runs again, each exactly once;
 * records of an aborted HQ transaction never cross.
 *
 * <p>An E2E, not an IT: it needs the optional services ({@code bin/stack up edge-kafka mirror}, ~40 s and ~800 MB
 * more than the default stack), so the default build does not run it. Run it with
 * {@code mvn -pl pipeline -am test -Dtest=EdgeLinkE2E -Dsurefire.failIfNoSpecifiedTests=false}; without an edge
 * broker it is skipped. The outage runs {@code TRIBUTARY_MIRROR_STOP_CMD} (default {@code bin/stack stop mirror})
 * and {@code TRIBUTARY_MIRROR_START_CMD} (default {@code bin/stack up mirror}). It uses its own topics with the
 * suffix {@code .e2e-<id>}, which stack/mirror/conf/mm2.properties replicates like the real ones.
 */
class EdgeLinkE2E {

    private static final Duration REPLICATED = Duration.ofMinutes(2);

    private final String hq = StackEnv.kafkaBootstrap();
    private final String edge = StackEnv.edgeKafkaBootstrap();

    @BeforeAll
    static void edgeServicesUp() {
        assumeTrue(reachable(StackEnv.edgeKafkaBootstrap()),
                "no edge broker at " + StackEnv.edgeKafkaBootstrap() + " (bin/stack up edge-kafka mirror)");
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

        StackCommand.run("TRIBUTARY_MIRROR_STOP_CMD", "bin/stack stop mirror",
                new File("target/edge-mirror-stop.log"), Duration.ofMinutes(1));
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
        Properties props = KafkaTestSupport.clientProperties(bootstrap);
        props.put("transactional.id", "edge-e2e-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            keys.forEach(k -> producer.send(new ProducerRecord<>(topic, k, k)));
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
