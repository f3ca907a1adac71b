package dev.tributary.sinks.search;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

/** The few REST calls the sink makes, over the JDK's asynchronous HTTP client (one per writer). */
final class SearchHttp implements AutoCloseable {

    private static final String NDJSON = "application/x-ndjson";

    private final SearchConnection connection;
    private final String authorization;
    private final ExecutorService executor;
    private final HttpClient client;

    SearchHttp(SearchConnection connection, UnaryOperator<String> environment, String threadName) {
        this.connection = connection;
        this.authorization = connection.auth().authorizationHeader(environment);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                // Elasticsearch and OpenSearch speak HTTP/1.1 only; no h2c upgrade attempt per connection
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connection.connectTimeout())
                .executor(executor);
        if (connection.caCertificatePem() != null) {
            builder.sslContext(PemTrust.sslContext(Path.of(connection.caCertificatePem())));
        }
        this.client = builder.build();
    }

    /**
     * POST /_bulk with the entries' lines as the body, joined into one array. Why one array: handed a list of
     * arrays ({@code ofByteArrays}), the JDK client wraps each in a buffer of its own and pushes each through its
     * flow subscription, which made that per-line queueing the sink's hottest code (2 000 lines a request; profiled in
     * bench/README.md); one copy of the batch (at most {@code maxBatchSizeInBytes}) costs far less.
     */
    CompletableFuture<HttpResponse<byte[]>> bulk(List<SearchRequestEntry> entries) {
        long length = 0;
        for (SearchRequestEntry e : entries) {
            length += e.actionLine().length + e.sourceLine().length;
        }
        byte[] joined = new byte[Math.toIntExact(length)];
        int at = 0;
        for (SearchRequestEntry e : entries) {
            System.arraycopy(e.actionLine(), 0, joined, at, e.actionLine().length);
            at += e.actionLine().length;
            System.arraycopy(e.sourceLine(), 0, joined, at, e.sourceLine().length);
            at += e.sourceLine().length;
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofByteArray(joined);
        HttpRequest request = request("/_bulk", NDJSON).POST(body).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A blocking JSON call, for setup requests (templates) and tests. */
    HttpResponse<byte[]> send(String method, String path, byte[] jsonBody) throws java.io.IOException, InterruptedException {
        HttpRequest.BodyPublisher body = jsonBody == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(jsonBody);
        HttpRequest request = request(path, "application/json").method(method, body).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String path, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(connection.resolve(path))
                .timeout(connection.requestTimeout())
                .header("Content-Type", contentType)
                .header("Accept", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "SearchHttp{" + connection.baseUrl() + "}";
    }
}
