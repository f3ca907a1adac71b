package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The savepoints {@link CompatSavepointIT} restores are frozen: each file under
 * {@code pipeline/src/test/resources/savepoints/} has its checksum in {@code SHA256SUMS} (the format of
 * {@code sha256sum -c}), so a savepoint retaken from a later graph (which would make the compatibility test prove
 * only that the graph restores itself) or one removed fails the build; and a release version has its savepoint.
 */
class KeptSavepointsTest {

    private static final Path DIR = StackEnv.repoRoot().resolve("pipeline/src/test/resources/savepoints");
    private static final List<String> NOT_SAVEPOINTS = List.of("SHA256SUMS", "README.md");

    @Test
    void everyKeptSavepointFileIsListedAndUnchanged() throws Exception {
        Map<String, String> listed = sums();
        assertThat(listed).as("checksums in %s", DIR.resolve("SHA256SUMS")).isNotEmpty();
        for (Map.Entry<String, String> e : listed.entrySet()) {
            Path file = DIR.resolve(e.getKey());
            assertThat(file).as("kept savepoint file %s (listed in SHA256SUMS) exists", e.getKey()).isRegularFile();
            assertThat(sha256(file)).as("%s is unchanged since it was kept: a kept savepoint is never retaken; a"
                    + " graph that cannot restore it needs a migration (bin/migrate-savepoint)", e.getKey())
                    .isEqualTo(e.getValue());
        }
        try (Stream<Path> files = Files.walk(DIR)) {
            List<String> present = files.filter(Files::isRegularFile).map(f -> DIR.relativize(f).toString())
                    .filter(f -> !NOT_SAVEPOINTS.contains(f)).sorted().toList();
            assertThat(present).as("every file under %s is listed in SHA256SUMS (bin/make-compat-savepoint adds it)", DIR)
                    .containsExactlyInAnyOrderElementsOf(listed.keySet());
        }
    }

    @Test
    void aReleaseVersionHasItsOwnSavepoint() throws Exception {
        String version = projectVersion();
        if (version.endsWith("-SNAPSHOT")) {
            return; // not a release: its savepoint is taken when it is cut
        }
        assertThat(DIR.resolve(version).resolve("_metadata"))
                .as("the savepoint of release %s: run bin/make-compat-savepoint %s on the released commit", version, version)
                .isRegularFile();
    }

    @Test
    void eachKeptSavepointNamesTheReleaseWhoseTopicsItReads() throws IOException {
        try (Stream<Path> dirs = Files.list(DIR)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                String name = d.getFileName().toString();
                assertThat(CompatibilityRun.release(name)).as("%s begins with a release", name).matches("[0-9]+\\.[0-9]+\\.[0-9]+");
                assertThat(d.resolve("_metadata")).as("%s holds a savepoint", name).isRegularFile();
            }
        }
    }

    private static Map<String, String> sums() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DIR.resolve("SHA256SUMS"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" [ *]", 2);
            assertThat(parts).as("a SHA256SUMS line is '<sha256>  <file>': %s", line).hasSize(2);
            out.put(parts[1].trim(), parts[0].trim());
        }
        return out;
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String projectVersion() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(StackEnv.repoRoot().resolve("pom.xml").toFile());
        return javax.xml.xpath.XPathFactory.newInstance().newXPath().evaluate("/project/version", pom);
    }
}
