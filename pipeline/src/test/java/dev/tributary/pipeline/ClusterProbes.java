package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.core.execution.JobClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** What tests read from outside a running job: its metrics through the REST API, the devices index. */
public final class ClusterProbes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClusterProbes() {}

    /**
     * A job-level metric (e.g. {@code numRestarts}) from the cluster's REST API at {@code rest}, once the REST
     * endpoint's metric fetcher has it (it fetches every {@code metrics.fetcher.update-interval}, 10 s by default).
     */
    public static long jobMetric(URI rest, JobClient job, String name) throws Exception {
        long[] value = new long[1];
        Await.until("metric " + name + " of job " + job.getJobID(), Duration.ofMinutes(1), () -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rest.resolve("/jobs/" + job.getJobID()
                    + "/metrics?get=" + name)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("metric " + name + ": HTTP " + r.statusCode() + " " + r.body());
            }
            JsonNode values = JSON.readTree(r.body());
            if (values.isEmpty()) {
                return false;
            }
            value[0] = (long) Double.parseDouble(values.get(0).path("value").asText());
            return true;
        });
        return value[0];
    }

    /**
     * Each device's indexed seq in the devices index (one document per device: its latest reading); empty while
     * the search server or the index is not there.
     */
    public static Map<String, Long> indexedSeqs(String index) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(StackEnv.esUrl() + "/" + index
                                + "/_search?size=10000"))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match_all\":{}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Long> seqs = new HashMap<>();
        if (r.statusCode() != 200) {
            return seqs;
        }
        for (JsonNode hit : JSON.readTree(r.body()).path("hits").path("hits")) {
            seqs.put(hit.path("_id").asText(), hit.path("_source").path("sequence").asLong());
        }
        return seqs;
    }
}
