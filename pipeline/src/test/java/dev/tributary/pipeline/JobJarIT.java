package dev.tributary.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded job jar holds the job and its runtime needs only: no demo, edge or topic tools (module
 * {@code tools}), no sample asset server (module {@code samples}: some of its paths redirect to addresses the
 * SSRF guard must refuse), no test classes or test libraries. Runs in {@code mvn verify}, after {@code package}
 * built the jar.
 */
class JobJarIT {

    /** Entries that must never ship in the job jar, and why. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("dev/tributary/tools/.*"),                 // demo, edge and topic tools
            Pattern.compile("dev/tributary/pipeline/(demo|edge|tools)/.*"),   // where 0.1.0 kept them
            Pattern.compile("dev/tributary/sinks/assets/samples/.*"),
            Pattern.compile("dev/tributary/samples/.*"),               // the sample asset server
            Pattern.compile("dev/tributary/testing/.*"),               // the operators test-jar
            Pattern.compile("dev/tributary/.*(Test|IT|E2E)(\\$.*)?\\.class"),
            Pattern.compile("org/junit/.*"),
            Pattern.compile("org/assertj/.*"),
            Pattern.compile("org/apache/flink/test/.*"));

    @Test
    void theJobJarHoldsTheJobAndNoDemoToolOrTestClasses() throws Exception {
        Path jar = SessionCluster.jobJar();
        assertThat(jar).as("built by mvn package").exists();
        List<String> entries;
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(e -> e.getName()).toList();
        }
        assertThat(entries).as("the job's main class").contains("dev/tributary/pipeline/Tributary.class");
        List<String> forbidden = entries.stream().filter(e -> FORBIDDEN.stream().anyMatch(p -> p.matcher(e).matches())).toList();
        assertThat(forbidden).as("demo, tool, sample or test entries in %s (%d bytes)", jar, Files.size(jar)).isEmpty();
    }
}
