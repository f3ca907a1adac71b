package dev.tributary.pipeline;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Takes the compatibility savepoint of a release (run by {@code bin/make-compat-savepoint <release>} when a
 * release is cut): the current graph with every flow runs on a MiniCluster against the local stack's Kafka with
 * the fixed input of {@link CompatibilityRun}, is stopped with a savepoint once it has committed the readings
 * before the savepoint, and the savepoint is copied to {@code pipeline/src/test/resources/savepoints/<release>/}.
 * {@link CompatSavepointIT} restores every savepoint kept there into the current graph.
 */
public final class MakeCompatSavepoint {

    private MakeCompatSavepoint() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].matches("[0-9]+\\.[0-9]+\\.[0-9]+")) {
            throw new IllegalArgumentException("usage: MakeCompatSavepoint <release, e.g. 0.1.0>");
        }
        String release = args[0];
        if (Files.exists(CompatibilityRun.savepointDir(release))) {
            throw new IllegalStateException("the savepoint of " + release + " is kept already ("
                    + CompatibilityRun.savepointDir(release) + "): kept savepoints are frozen, never retaken"
                    + " (see savepoints/README.md)");
        }
        FreshTopics topics = CompatibilityRun.recreateTopics(release);
        KafkaTestSupport.produce(topics.hoverboard(), CompatibilityRun.readings(1, CompatibilityRun.BEFORE_SAVEPOINT));

        MiniClusterWithClientResource cluster = new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(CompatibilityRun.PARALLELISM).build());
        cluster.before();
        Path taken = Files.createTempDirectory("compat-savepoint");
        try {
            StreamExecutionEnvironment env = CompatibilityRun.environment(release);
            JobClient job = env.executeAsync("compat-savepoint " + release);
            KafkaTestSupport.readCommittedUntil(topics.validated(), Duration.ofMinutes(3),
                    seen -> seen.size() >= CompatibilityRun.BEFORE_SAVEPOINT);
            String savepoint = job.stopWithSavepoint(false, taken.toUri().toString(), SavepointFormatType.CANONICAL).get();
            Path target = CompatibilityRun.savepointDir(release);
            copyRecursively(Path.of(java.net.URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint)), target);
            freeze(target);
            System.out.println("compatibility savepoint of " + release + " written to " + target
                    + " and its checksums added to SHA256SUMS: commit both");
        } finally {
            cluster.after();
            deleteRecursively(taken);
        }
    }

    /** Adds the checksum of each of the savepoint's files to {@code SHA256SUMS} ({@link KeptSavepointsTest}). */
    private static void freeze(Path target) throws Exception {
        Path root = target.getParent();
        StringBuilder lines = new StringBuilder();
        try (Stream<Path> files = Files.walk(target)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                String sha = java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
                lines.append(sha).append("  ").append(root.relativize(f)).append('\n');
            }
        }
        Files.writeString(root.resolve("SHA256SUMS"), lines, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(f, dest);
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        }
    }
}
