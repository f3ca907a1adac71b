package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard shipped in {@code monitoring/}: its queries, and what the cluster's reporters publish. */
final class MonitoringDashboard {

    static final Path FILE = StackEnv.repoRoot().resolve("monitoring/grafana/dashboards/tributary.json");
    private static final Pattern METRIC = Pattern.compile("flink_[A-Za-z0-9_]+");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** metrics.reporter.prom.port in flink-conf/config.yaml: the JobManager and each TaskManager take one */
    static final int FIRST_PORT = 9249;
    static final int LAST_PORT = 9257;

    private MonitoringDashboard() {}

    static JsonNode json() throws IOException {
        return new ObjectMapper().readTree(FILE.toFile());
    }

    /** Every PromQL expression of every panel. */
    static List<String> queries() throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : json().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        return out;
    }

    /** The Flink metric names the queries read. */
    static Set<String> metricNames() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String query : queries()) {
            Matcher m = METRIC.matcher(query);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** The names of the metrics the local cluster's Prometheus reporters publish for a job (by its job_id label). */
    static Set<String> publishedFor(String jobId) throws InterruptedException {
        Set<String> names = new TreeSet<>();
        String label = "job_id=\"" + jobId + "\"";
        for (int port = FIRST_PORT; port <= LAST_PORT; port++) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                for (String line : r.body().split("\n")) {
                    int brace = line.indexOf('{');
                    if (brace > 0 && line.contains(label)) {
                        names.add(line.substring(0, brace));
                    }
                }
            } catch (IOException notListening) {
                // no Flink process took this port
            }
        }
        return names;
    }
}
