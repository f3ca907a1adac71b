package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The local stack's Flink session cluster, driven the way a user drives it: bin/flink and the REST API. */
public final class SessionCluster {

    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SessionCluster() {}

    public static Path jobJar() {
        return StackEnv.repoRoot().resolve("pipeline/target/tributary-job.jar");
    }

    /** {@code bin/flink run -d [-s savepoint] <jar> args}; returns the job id. */
    public static String runDetached(String savepoint, List<String> jobArgs) throws Exception {
        return runDetached(savepoint, jobArgs, Map.of());
    }

    /**
     * {@link #runDetached(String, List)} with extra environment variables for the client, e.g. the secrets its
     * {@code ${env:NAME}} settings read.
     */
    public static String runDetached(String savepoint, List<String> jobArgs, Map<String, String> environment) throws Exception {
        return runDetached(savepoint, 0, jobArgs, environment);
    }

    /** {@link #runDetached(String, List)} at a parallelism ({@code flink run -p}); 0 keeps the cluster's default. */
    public static String runDetached(String savepoint, int parallelism, List<String> jobArgs, Map<String, String> environment)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/flink", "run", "-d"));
        if (savepoint != null) {
            cmd.addAll(List.of("-s", savepoint));
        }
        if (parallelism > 0) {
            cmd.addAll(List.of("-p", String.valueOf(parallelism)));
        }
        cmd.add(jobJar().toString());
        cmd.addAll(jobArgs);
        return find(JOB_ID, flink(cmd, environment), "job id");
    }

    /** {@code bin/flink stop --savepointPath dir jobId}; returns the savepoint path. */
    public static String stopWithSavepoint(String jobId, Path savepointDir) throws Exception {
        return find(SAVEPOINT, flink(List.of("bin/flink", "stop", "--savepointPath", savepointDir.toUri().toString(), jobId)),
                "savepoint path");
    }

    public static void cancel(String jobId) throws Exception {
        flink(List.of("bin/flink", "cancel", jobId));
    }

    /**
     * Cancels the job and waits until it is CANCELED: its open Kafka transactions are then aborted, so what a
     * read_committed reader finds afterwards is everything the job will ever have committed.
     */
    public static void cancelAndAwait(String jobId) throws Exception {
        cancel(jobId);
        awaitRest("/jobs/" + jobId, Duration.ofMinutes(1), j -> "CANCELED".equals(j.path("state").asText()));
    }

    public static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(StackEnv.flinkRest() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Polls a REST resource until the condition holds, or fails at the deadline with the last answer. */
    public static JsonNode awaitRest(String path, Duration deadline, Predicate<JsonNode> condition) throws Exception {
        Instant end = Instant.now().plus(deadline);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            last = get(path);
            if (condition.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("GET " + path + " did not reach the expected state within " + deadline + "; last: " + last);
    }

    /** What a command printed (stdout and stderr together) and its exit code. */
    public record Outcome(int exitCode, String output) {}

    /** Runs a command of the checkout (e.g. {@code bin/flink ...}, {@code bin/upgrade ...}) from its root. */
    public static Outcome command(List<String> cmd) throws Exception {
        return command(cmd, Map.of());
    }

    /** {@link #command(List)} with extra environment variables. */
    public static Outcome command(List<String> cmd, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(StackEnv.repoRoot().toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end within 5 minutes:\n" + out);
        }
        return new Outcome(p.exitValue(), out);
    }

    /** {@code bin/flink run <jar> args} in the foreground, whatever its outcome (for runs that must not submit). */
    public static Outcome run(List<String> jobArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bin/flink", "run", jobJar().toString()));
        cmd.addAll(jobArgs);
        return command(cmd);
    }

    /** Ids of every job the cluster knows, in any state. */
    public static List<String> jobIds() throws Exception {
        List<String> ids = new ArrayList<>();
        get("/jobs/overview").path("jobs").forEach(j -> ids.add(j.path("jid").asText()));
        return ids;
    }

    private static String flink(List<String> cmd) throws Exception {
        return flink(cmd, Map.of());
    }

    private static String flink(List<String> cmd, Map<String, String> environment) throws Exception {
        Outcome outcome = command(cmd, environment);
        if (outcome.exitCode() != 0) {
            throw new AssertionError(String.join(" ", cmd) + " failed:\n" + outcome.output());
        }
        return outcome.output();
    }

    private static String find(Pattern pattern, String output, String what) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new AssertionError("no " + what + " in the output of bin/flink:\n" + output);
        }
        return m.group(1);
    }
}
