package dev.tributary.pipeline.lake;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The landing listing against a real local directory: links and special files are neither followed nor read. */
class LandingEnumeratorTest {

    @TempDir
    java.nio.file.Path temp;

    @Test
    void onlyRegularFilesAndRealDirectoriesAreListed() throws Exception {
        java.nio.file.Path landing = Files.createDirectories(temp.resolve("landing"));
        java.nio.file.Path outside = Files.createDirectories(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret.csv"), "occurrenceId\nsecret\n");

        Files.writeString(landing.resolve("good.csv"), "occurrenceId\nok\n");
        Files.createDirectories(landing.resolve("sub"));
        Files.writeString(landing.resolve("sub/nested.jsonl"), "{}\n");
        Files.writeString(landing.resolve(".uploading.csv"), "in progress\n");
        Files.createSymbolicLink(landing.resolve("link-to-file.csv"), outside.resolve("secret.csv"));
        Files.createSymbolicLink(landing.resolve("link-to-dir"), outside);
        Files.createSymbolicLink(landing.resolve("sub/loop"), landing); // would make the listing endless
        java.nio.file.Path fifo = landing.resolve("pipe.csv");
        boolean hasFifo = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0;

        List<String> listed = new LandingEnumerator()
                .enumerateSplits(new Path[] {new Path(landing.toUri())}, 1).stream()
                .map(FileSourceSplit::path).map(p -> landing.toUri().relativize(p.toUri()).getPath()).sorted().toList();

        assertThat(listed).containsExactly("good.csv", "sub/nested.jsonl");
        assertThat(hasFifo).as("mkfifo ran, so a FIFO was there to be skipped").isTrue();
    }
}
