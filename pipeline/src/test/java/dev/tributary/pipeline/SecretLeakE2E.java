package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No secret leaves the job on the real session cluster. {@code bin/flink run} submits the integration flow on the
 * broker's SASL_SSL listener with every password as {@code ${env:NAME}}; a second submission gets a wrong password
 * literally on its command line and fails on the cluster. Then no secret value may appear in the Flink logs, the
 * REST API's job configuration, plan and exceptions, or the bytes of the first job's savepoint.
 */
class SecretLeakE2E {

    private static final Path FLINK_DIR = StackEnv.repoRoot().resolve(".stack/flink");

    @Test
    void noSecretReachesLogsRestApiExceptionsOrSavepoints() throws Exception {
        // the logs outlive runs (client.log is appended to): only what this run writes is searched
        Map<Path, Long> logsBefore = new HashMap<>();
        for (Path log : logs()) {
            logsBefore.put(log, Files.size(log));
        }
        FreshTopics topics = FreshTopics.create(1);
        // secrets this run makes up: unused by the integration flow, but parsed, masked and carried like real ones
        String warehousePassword = "wh-" + UUID.randomUUID();
        String s3SecretKey = "s3-" + UUID.randomUUID();
        String literalPassword = "literal-" + UUID.randomUUID();
        Map<String, String> environment = new HashMap<>(KafkaTestSupport.saslSslEnvironment());
        environment.put("E2E_WAREHOUSE_PASSWORD", warehousePassword);
        environment.put("E2E_S3_SECRET_KEY", s3SecretKey);
        Map<String, String> secrets = new LinkedHashMap<>(environment);
        secrets.put("literal kafka.sasl.password", literalPassword);

        List<String> args = new ArrayList<>(List.of("--job.name", "secret-leak-e2e " + topics.hoverboard(),
                "--flows", "integration",
                "--warehouse.password", "${env:E2E_WAREHOUSE_PASSWORD}",
                "--objectstore.secret-key", "${env:E2E_S3_SECRET_KEY}"));
        args.addAll(topics.arguments());
        KafkaTestSupport.saslSslSettings().forEach((k, v) -> args.addAll(List.of("--" + k, v)));

        KafkaTestSupport.produce(topics.hoverboard(), CompatibilityRun.readings(1, 20));
        String job = SessionCluster.runDetached(null, args, environment);
        KafkaTestSupport.readCommittedUntil(topics.validated(), Duration.ofMinutes(3), seen -> seen.size() >= 20);
        Map<String, String> rest = new LinkedHashMap<>(restViews(job));
        JsonNode userConfig = SessionCluster.get("/jobs/" + job + "/config").path("execution-config").path("user-config");
        assertThat(userConfig.path("kafka.sasl.password").asText()).as("masked in the web UI's job configuration")
                .isEqualTo("******");
        assertThat(userConfig.path("kafka.sasl.username").asText()).isEqualTo(KafkaTestSupport.saslSslSettings()
                .get("kafka.sasl.username"));

        Path savepoints = Files.createDirectories(FLINK_DIR.resolve("savepoints"));
        String savepoint = SessionCluster.stopWithSavepoint(job, savepoints);

        // the same job with a wrong password typed on the command line, past the pre-flight check: it fails on
        // the cluster with Kafka's authentication error, which the exceptions view then shows
        List<String> failing = new ArrayList<>(args);
        failing.set(failing.indexOf("${env:TRIBUTARY_KAFKA_SASL_PASSWORD}"), literalPassword);
        failing.addAll(List.of("--kafka.check-reachable", "false", "--kafka.transactional-id-prefix", "leak-" + topics.hoverboard()));
        String failed = SessionCluster.runDetached(null, failing, environment);
        try {
            SessionCluster.awaitRest("/jobs/" + failed + "/exceptions", Duration.ofMinutes(2),
                    e -> e.toString().contains("Authentication failed"));
            rest.putAll(restViews(failed));
        } finally {
            SessionCluster.cancel(failed);
        }

        Map<String, String> places = new LinkedHashMap<>(rest);
        for (Path log : logs()) {
            places.put(log.toString(), read(log, logsBefore.getOrDefault(log, 0L)));
        }
        try (Stream<Path> files = Files.walk(Path.of(java.net.URI.create(savepoint.startsWith("file:") ? savepoint
                : "file://" + savepoint)))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                places.put(file.toString(), read(file, 0));
            }
        }
        assertThat(places.keySet()).as("places searched").anyMatch(p -> p.contains("_metadata"))
                .anyMatch(p -> p.endsWith("jobmanager.log")).anyMatch(p -> p.endsWith("taskmanager.log"));
        List<String> leaks = new ArrayList<>();
        places.forEach((place, content) -> secrets.forEach((name, value) -> {
            if (content.contains(value)) {
                leaks.add(name + " in " + place);
            }
        }));
        assertThat(leaks).as("secret values found").isEmpty();
    }

    /** What the web UI shows of a job: its overview, configuration, plan and exceptions, as JSON text. */
    private static Map<String, String> restViews(String job) throws Exception {
        Map<String, String> views = new LinkedHashMap<>();
        for (String path : List.of("", "/config", "/plan", "/exceptions", "/jobmanager/config")) {
            views.put("GET /jobs/" + job + path, SessionCluster.get("/jobs/" + job + path).toString());
        }
        return views;
    }

    /** The session cluster's logs and stdout files: JobManager, TaskManager and the bin/flink client. */
    private static List<Path> logs() throws IOException {
        try (Stream<Path> files = Files.list(FLINK_DIR)) {
            return files.filter(p -> p.getFileName().toString().matches(".*\\.(log|out)")).toList();
        }
    }

    /**
     * A file's bytes from an offset (from the start when the file was rotated and is now shorter), as ISO-8859-1
     * so that any byte sequence, a savepoint's too, maps one to one onto the text searched.
     */
    private static String read(Path file, long from) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int start = from <= bytes.length ? (int) from : 0;
        return new String(bytes, start, bytes.length - start, StandardCharsets.ISO_8859_1);
    }
}
