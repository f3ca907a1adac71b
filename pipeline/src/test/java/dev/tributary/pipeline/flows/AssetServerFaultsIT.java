package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.pipeline.Await;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.WarehouseTestSchema;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.samples.SampleAssetServer.Fault;
import dev.tributary.sinks.objectstore.ObjectStore;
import dev.tributary.operators.assets.Sha256;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asset HTTP server's faults, on the real stack (Kafka, S3 API server, PostgreSQL, search) with the assets
 * flow on a MiniCluster: for each fault of {@link SampleAssetServer.Fault} — the server hangs (accepts and never
 * answers), drops connections unanswered, or answers 500 — assets are announced while the fault is on, the fault
 * lasts {@code TRIBUTARY_FAULT_ASSET_WINDOW_SECONDS} (default 4) from the moment every one of them met it, then
 * the server is healthy again. The outcome that is right differs by how long the fault lasts:
 * <ul>
 *   <li>a fault shorter than the retry budget (here 8 attempts, backoff 250 ms doubling to 2 s, 2 s per attempt)
 *       is a transient one: every asset met by it must end STORED — one content-addressed blob, broadcast once
 *       (read_committed) — and none FAILED;</li>
 *   <li>a fault that outlasts the budget (one asset per fault at a URL that always hangs, always drops the
 *       connection or always answers 500) must end FAILED, once, with the reason of the last attempt
 *       ({@code TIMEOUT}, {@code NETWORK_ERROR}, {@code HTTP_SERVER_ERROR}), and never be broadcast.</li>
 * </ul>
 * Prints a table per fault: assets in, blobs, broadcasts, duplicates, losses, FAILED, and the seconds from the
 * end of the fault until its assets were all broadcast.
 */
class AssetServerFaultsIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int PER_FAULT = 4;
    private static final Duration CATCH_UP = Duration.ofMinutes(2);
    /** the last attempt's reason of an asset whose fault never ends */
    private static final Map<Fault, String> PERMANENT_REASON = Map.of(Fault.HANG, "TIMEOUT",
            Fault.RESET, "NETWORK_ERROR", Fault.ERROR_500, "HTTP_SERVER_ERROR");

    @Test
    void assetsMetByATransientServerFaultAreStoredOnceAndPermanentFaultsFailWithTheirReason() throws Exception {
        Duration window = Duration.ofSeconds(Long.parseLong(StackEnv.get("TRIBUTARY_FAULT_ASSET_WINDOW_SECONDS", "4")));
        String run = UUID.randomUUID().toString().substring(0, 8);
        FreshTopics topics = FreshTopics.create(2);
        List<String> out = KafkaTestSupport.createTopics(2, "assets-status", "assets-broadcast", "assets-delivered");
        String statusTopic = out.get(0);
        String broadcastTopic = out.get(1);
        WarehouseTestSchema warehouse = WarehouseTestSchema.fresh("asset_faults_it_" + run);
        // a budget (about 10 s of backoff, plus 2 s per hung attempt) longer than the window: the window's
        // faults are transient; the permanent ones exhaust it
        JobSettings settings = AssetsFlowIT.settings(topics, out, warehouse, Map.of(
                "assets.download-timeout", "2s",
                "assets.retry-attempts", "8",
                "assets.retry-initial-delay", "250ms",
                "assets.retry-max-delay", "2s"));

        try (SampleAssetServer server = SampleAssetServer.start(0, 24);
             ObjectStore s3 = AssetsFlow.objectStore(settings).open()) {
            StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);
            TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
            JobClient job = env.executeAsync("asset-server-faults-it");
            try {
                Map<Fault, List<String>> transientPaths = new LinkedHashMap<>();
                Map<Fault, String> permanentIds = new LinkedHashMap<>();
                Map<String, String> pathOf = new HashMap<>();
                Map<Fault, Duration> recovery = new LinkedHashMap<>();
                for (Fault fault : PERMANENT_REASON.keySet().stream().sorted().toList()) {
                    String tag = fault.name().toLowerCase(Locale.ROOT).replace('_', '-');
                    server.fault(fault);
                    List<AssetAnnounced> announced = new ArrayList<>();
                    List<String> paths = new ArrayList<>();
                    for (int i = 0; i < PER_FAULT; i++) {
                        String id = tag + "-" + run + "-" + i;
                        String path = "/img/" + id + ".png";
                        paths.add(path);
                        pathOf.put(id, path);
                        announced.add(AssetsFlowIT.announcement(id, server.url(path), "image/png", 1));
                    }
                    String permanentId = "always-" + tag + "-" + run;
                    String permanentPath = switch (fault) {
                        case HANG -> "/hang/" + run;
                        case RESET -> "/reset/" + run;
                        default -> "/status/500";
                    };
                    announced.add(AssetsFlowIT.announcement(permanentId, server.url(permanentPath), "image/png", 1));
                    transientPaths.put(fault, paths);
                    permanentIds.put(fault, permanentId);
                    KafkaTestSupport.produce(topics.announced(), announced.stream()
                            .map(a -> (Map.Entry<String, byte[]>) new SimpleEntry<>(a.getAssetId(), AssetsFlowIT.avro(a)))
                            .toList());
                    Await.until("every asset announced during " + fault + " met it", CATCH_UP,
                            () -> paths.stream().allMatch(p -> server.faultedHits(p) > 0));
                    // the fault's length is the point of the test, not a wait for a condition
                    TimeUnit.MILLISECONDS.sleep(window.toMillis());
                    server.fault(Fault.NONE);
                    Instant healed = Instant.now();
                    Await.until("the assets met by " + fault + " broadcast", CATCH_UP, () -> broadcastIds(broadcastTopic)
                            .containsAll(paths.stream().map(p -> p.substring(5, p.length() - 4)).toList()));
                    recovery.put(fault, Duration.between(healed, Instant.now()));
                }

                Await.until("every permanent fault FAILED", CATCH_UP, () -> failed(statusTopic).keySet()
                        .containsAll(permanentIds.values()));
                List<AssetBroadcast> broadcasts = AssetsFlowIT.decode(KafkaTestSupport.readCommittedToEnd(broadcastTopic,
                        CATCH_UP), AssetBroadcast.getDecoder()::decode);
                Map<String, Integer> broadcastCount = new HashMap<>();
                broadcasts.forEach(b -> broadcastCount.merge(b.getAssetId(), 1, Integer::sum));
                List<AssetStatus> statuses = AssetsFlowIT.decode(KafkaTestSupport.readCommittedToEnd(statusTopic,
                        CATCH_UP), AssetStatus.getDecoder()::decode);
                Map<String, List<String>> failedReasons = new HashMap<>();
                statuses.stream().filter(s -> s.getState() == AssetState.FAILED && s.getRequestId() == null)
                        .forEach(s -> failedReasons.computeIfAbsent(s.getAssetId(), k -> new ArrayList<>()).add(s.getReason()));

                StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-10s %6s %6s %10s %5s %5s %7s %-18s %7s %11s%n",
                        "fault", "in", "blobs", "broadcast", "dup", "lost", "failed", "permanent-reason", "faulted",
                        "stored(s)"));
                for (Fault fault : transientPaths.keySet()) {
                    long blobs = 0, broadcast = 0, duplicates = 0, lost = 0, failed = 0, faulted = 0;
                    for (String path : transientPaths.get(fault)) {
                        String id = path.substring(5, path.length() - 4);
                        int n = broadcastCount.getOrDefault(id, 0);
                        broadcast += n;
                        duplicates += Math.max(0, n - 1);
                        lost += n == 0 ? 1 : 0;
                        failed += failedReasons.containsKey(id) ? 1 : 0;
                        faulted += server.faultedHits(path);
                        blobs += s3.head("assets/sha256/" + Sha256.hex(server.bytesOf(path))).get().isPresent() ? 1 : 0;
                    }
                    List<String> permanent = failedReasons.getOrDefault(permanentIds.get(fault), List.of());
                    table.append(String.format(Locale.ROOT, "%-10s %6d %6d %10d %5d %5d %7d %-18s %7d %11.1f%n", fault,
                            transientPaths.get(fault).size() + 1, blobs, broadcast, duplicates, lost, failed + permanent.size(),
                            permanent.isEmpty() ? "-" : permanent.get(0).substring(0, permanent.get(0).indexOf(':')),
                            faulted, recovery.get(fault).toMillis() / 1000.0));
                }
                System.out.println(table.append("(in = assets announced during the fault, one of them at a URL whose ")
                        .append("fault never ends; faulted = requests that met the fault; stored = seconds from the ")
                        .append("end of the fault until its assets were broadcast)"));

                for (Fault fault : transientPaths.keySet()) {
                    for (String path : transientPaths.get(fault)) {
                        String id = path.substring(5, path.length() - 4);
                        assertThat(broadcastCount.get(id)).as("%s, met by %s, broadcast once", id, fault).isEqualTo(1);
                        assertThat(failedReasons).as("%s, met by %s, never FAILED", id, fault).doesNotContainKey(id);
                        String key = "assets/sha256/" + Sha256.hex(server.bytesOf(path));
                        assertThat(s3.get(key).get()).as("the blob of %s", id).isEqualTo(server.bytesOf(path));
                    }
                    String permanentId = permanentIds.get(fault);
                    assertThat(failedReasons.get(permanentId)).as("%s FAILED once", permanentId).hasSize(1);
                    assertThat(failedReasons.get(permanentId).get(0)).as("the reason %s FAILED", permanentId)
                            .startsWith(PERMANENT_REASON.get(fault) + ":");
                    assertThat(broadcastCount).as("%s never broadcast", permanentId).doesNotContainKey(permanentId);
                }
                assertThat(broadcasts).extracting(b -> b.getObjectKey().equals("assets/sha256/" + b.getSha256()))
                        .as("every broadcast points to its content-addressed blob").containsOnly(true);
                assertThat(broadcastCount).as("nothing else broadcast").hasSize(PER_FAULT * transientPaths.size());
                assertThat(job.getJobStatus().get()).as("the job rides out the server's faults").isEqualTo(JobStatus.RUNNING);
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get();
                }
            }
        }
        warehouse.drop();
    }

    private static List<String> broadcastIds(String topic) throws Exception {
        return AssetsFlowIT.decode(KafkaTestSupport.readCommittedToEnd(topic, CATCH_UP), AssetBroadcast.getDecoder()::decode)
                .stream().map(AssetBroadcast::getAssetId).toList();
    }

    /** The reason of each asset's FAILED status so far. */
    private static Map<String, String> failed(String topic) throws Exception {
        Map<String, String> reasons = new HashMap<>();
        AssetsFlowIT.decode(KafkaTestSupport.readCommittedToEnd(topic, CATCH_UP), AssetStatus.getDecoder()::decode).stream()
                .filter(s -> s.getState() == AssetState.FAILED && s.getRequestId() == null)
                .forEach(s -> reasons.put(s.getAssetId(), s.getReason()));
        return reasons;
    }
}
