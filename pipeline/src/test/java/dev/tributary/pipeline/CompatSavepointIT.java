package dev.tributary.pipeline;

import dev.tributary.events.HoverboardReading;
import dev.tributary.pipeline.upgrade.MigrateSavepoint;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The current graph restores the savepoint of every earlier release kept under
 * {@code pipeline/src/test/resources/savepoints/<release>/} (taken by {@code bin/make-compat-savepoint}), after
 * the shipped migration ({@link MigrateSavepoint}, {@code bin/migrate-savepoint}), with
 * {@code allowNonRestoredState=false}: every operator state of the old release must find its operator (by uid)
 * and deserialize. State intact means the Kafka sources continue from the savepoint's offsets: the restored job
 * emits exactly the readings produced after the savepoint's, each once.
 */
class CompatSavepointIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(CompatibilityRun.PARALLELISM).build());

    static Stream<String> releases() throws IOException {
        Path root = CompatibilityRun.savepointDir("x").getParent();
        try (Stream<Path> dirs = Files.list(root)) {
            List<String> releases = dirs.filter(d -> Files.isRegularFile(d.resolve("_metadata")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            assertThat(releases).as("compatibility savepoints in %s", root).isNotEmpty();
            return releases.stream();
        }
    }

    @ParameterizedTest(name = "savepoint of {0}")
    @MethodSource("releases")
    void theCurrentGraphRestoresTheReleasesSavepointAndContinuesFromItsOffsets(String release) throws Exception {
        FreshTopics topics = CompatibilityRun.recreateTopics(release);
        // the same readings at the same offsets as when the savepoint was taken, then the ones after it
        KafkaTestSupport.produce(topics.hoverboard(), CompatibilityRun.readings(1, CompatibilityRun.TOTAL));

        // the shipped migration (bin/migrate-savepoint) first: 0.1.0 read each type once per flow
        Path migrated = Files.createTempDirectory("tributary-migrated-" + release);
        Files.delete(migrated);
        MigrateSavepoint.Report report = MigrateSavepoint.migrate(StreamExecutionEnvironment.getExecutionEnvironment(),
                CompatibilityRun.savepointDir(release).toUri().toString(), migrated.toUri().toString());
        System.out.println("migration of " + release + ":\n" + report);
        assertThat(report.toString()).as("no flow skips records").doesNotContain("SKIPS");

        StreamExecutionEnvironment env = CompatibilityRun.environment(release);
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(
                Files.exists(migrated) ? migrated.toUri().toString() : CompatibilityRun.savepointDir(release).toString(), false));
        JobClient job = env.executeAsync(graph);
        try {
            int expected = CompatibilityRun.TOTAL - CompatibilityRun.BEFORE_SAVEPOINT;
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestSupport.readCommittedUntil(topics.validated(),
                    Duration.ofMinutes(3), seen -> seen.size() >= expected);
            // a duplicate committed after the count was reached must show too: stop the job, read all it committed
            job.cancel().get();
            out = KafkaTestSupport.readCommittedToEnd(topics.validated(), Duration.ofMinutes(1));
            Map<Long, Integer> perSeq = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                perSeq.merge(HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value())).getSeq(), 1, Integer::sum);
            }
            List<Long> after = new ArrayList<>();
            LongStream.rangeClosed(CompatibilityRun.BEFORE_SAVEPOINT + 1, CompatibilityRun.TOTAL).forEach(after::add);
            assertThat(perSeq.keySet()).as("exactly the readings after the savepoint's offsets")
                    .containsExactlyInAnyOrderElementsOf(after);
            assertThat(perSeq.values()).as("each once").containsOnly(1);
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }
}
