package dev.tributary.sinks.search;

import dev.tributary.sinks.deadletter.DeadLetterChannel;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a {@link SearchSink}. Required: {@link #url}, {@link #documentMapper}, and either
 * {@link #deadLetters} or the explicit decision {@link #failOnRejectedDocuments()}.
 *
 * <p>Defaults: 1000 docs / 5 MiB per bulk request, 1 s max time in buffer, 2 requests in flight, 10 000
 * buffered documents, 1 MiB per document, {@code external_gte} versioning, backoff 100 ms doubling to 10 s,
 * 5 min max retry duration, 10 s connect and 60 s request timeout, no authentication, the JVM's trust store.
 */
public final class SearchSinkBuilder<T> {

    private String url;
    private DocumentMapper<T> mapper;
    private VersionType versionType = VersionType.EXTERNAL_GTE;
    private SearchAuth auth = SearchAuth.none();
    private String caCertificatePem;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxBatchSize = 1000;
    private long maxBatchSizeInBytes = 5L * 1024 * 1024;
    private Duration maxTimeInBuffer = Duration.ofSeconds(1);
    private int maxInFlightRequests = 2;
    private int maxBufferedRequests = 10_000;
    private long maxRecordSizeInBytes = 1024L * 1024;
    private RetryPolicy retry = RetryPolicy.defaults();
    private DeadLetterChannel.Factory deadLetters;
    private boolean failOnRejected;
    private boolean adaptiveRateLimiting;
    private String flow;
    private String operatorUid;
    private final List<String> indexTemplates = new ArrayList<>();

    SearchSinkBuilder() {}

    /** Base URL of the cluster, e.g. {@code http://127.0.0.1:9200}; no credentials in it. */
    public SearchSinkBuilder<T> url(String url) {
        this.url = url;
        return this;
    }

    public SearchSinkBuilder<T> documentMapper(DocumentMapper<T> mapper) {
        this.mapper = mapper;
        return this;
    }

    public SearchSinkBuilder<T> versionType(VersionType versionType) {
        this.versionType = Objects.requireNonNull(versionType);
        return this;
    }

    /** Basic auth; the arguments are the NAMES of environment variables read on the task manager. */
    public SearchSinkBuilder<T> basicAuthFromEnv(String userVariable, String passwordVariable) {
        this.auth = SearchAuth.basicFromEnv(userVariable, passwordVariable);
        return this;
    }

    /** API key auth; the argument is the NAME of the environment variable holding the encoded key. */
    public SearchSinkBuilder<T> apiKeyFromEnv(String apiKeyVariable) {
        this.auth = SearchAuth.apiKeyFromEnv(apiKeyVariable);
        return this;
    }

    /** Trust the CA certificate(s) in this PEM file (path on the task manager) for HTTPS. */
    public SearchSinkBuilder<T> caCertificatePem(String path) {
        this.caCertificatePem = path;
        return this;
    }

    public SearchSinkBuilder<T> connectTimeout(Duration timeout) {
        this.connectTimeout = timeout;
        return this;
    }

    /** Timeout of one bulk request; a timed-out request is retried like a failed one. */
    public SearchSinkBuilder<T> requestTimeout(Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    public SearchSinkBuilder<T> maxBatchSize(int documents) {
        this.maxBatchSize = documents;
        return this;
    }

    public SearchSinkBuilder<T> maxBatchSizeInBytes(long bytes) {
        this.maxBatchSizeInBytes = bytes;
        return this;
    }

    public SearchSinkBuilder<T> maxTimeInBuffer(Duration time) {
        this.maxTimeInBuffer = time;
        return this;
    }

    public SearchSinkBuilder<T> maxInFlightRequests(int requests) {
        this.maxInFlightRequests = requests;
        return this;
    }

    /**
     * Use the AsyncSink's own rate limiting (AIMD: one batch in flight at first, +10 documents per successful request,
     * halved on any failed document) instead of keeping {@link #maxInFlightRequests} requests in flight. For a cluster
     * shared with other writers, where the sink should yield; it costs throughput (bench/README.md, SearchSinkBench).
     */
    public SearchSinkBuilder<T> adaptiveRateLimiting() {
        this.adaptiveRateLimiting = true;
        return this;
    }

    public SearchSinkBuilder<T> maxBufferedRequests(int documents) {
        this.maxBufferedRequests = documents;
        return this;
    }

    /** Documents larger than this (action + source line) are dead-lettered without being sent. */
    public SearchSinkBuilder<T> maxRecordSizeInBytes(long bytes) {
        this.maxRecordSizeInBytes = bytes;
        return this;
    }

    /** Backoff between attempts and how long documents may keep failing before the job fails. */
    public SearchSinkBuilder<T> retry(Duration initialBackoff, Duration maxBackoff, Duration maxRetryDuration) {
        this.retry = new RetryPolicy(initialBackoff, maxBackoff, maxRetryDuration);
        return this;
    }

    /**
     * Documents the server refuses (mapping/parse errors) become {@code DeadLetter}s with the server's
     * reason, reason code {@code SINK_REJECTED}, key = document id, payload = the source JSON.
     *
     * @param flow the flow name recorded in the dead letters
     * @param operatorUid the sink's uid, recorded as the rejecting operator
     */
    public SearchSinkBuilder<T> deadLetters(DeadLetterChannel.Factory channel, String flow, String operatorUid) {
        this.deadLetters = Objects.requireNonNull(channel);
        this.flow = Objects.requireNonNull(flow);
        this.operatorUid = Objects.requireNonNull(operatorUid);
        return this;
    }

    /** Without a dead-letter channel a refused document fails the job; this makes that choice explicit. */
    public SearchSinkBuilder<T> failOnRejectedDocuments() {
        this.failOnRejected = true;
        return this;
    }

    /** Index templates from {@code search/templates/<name>.json} to put at writer start (see {@link IndexTemplates}). */
    public SearchSinkBuilder<T> indexTemplates(String... names) {
        for (String name : names) {
            IndexTemplates.load(name);
            indexTemplates.add(name);
        }
        return this;
    }

    public SearchSink<T> build() {
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("search sink needs url(...)");
        }
        if (mapper == null) {
            throw new IllegalStateException("search sink needs documentMapper(...)");
        }
        if (deadLetters == null && !failOnRejected) {
            throw new IllegalStateException("search sink needs deadLetters(...) or failOnRejectedDocuments()");
        }
        if (maxRecordSizeInBytes > maxBatchSizeInBytes) {
            throw new IllegalStateException("maxRecordSizeInBytes " + maxRecordSizeInBytes + " exceeds maxBatchSizeInBytes " + maxBatchSizeInBytes);
        }
        if (maxRecordSizeInBytes < SearchRequestEntry.MAX_REJECTED_PAYLOAD + 1024) {
            throw new IllegalStateException("maxRecordSizeInBytes must be at least " + (SearchRequestEntry.MAX_REJECTED_PAYLOAD + 1024));
        }
        SearchConnection connection = new SearchConnection(URI.create(url), auth, caCertificatePem, connectTimeout, requestTimeout);
        SearchSinkSettings settings = new SearchSinkSettings(
                connection, retry, deadLetters, flow, operatorUid, List.copyOf(indexTemplates));
        // The base writer's own timeout must not fire while a request is legitimately waiting: one HTTP
        // attempt plus the longest backoff, with room to spare. On expiry it resends the batch (no failure).
        long baseTimeoutMs = requestTimeout.toMillis() + retry.maxBackoff().toMillis() + 60_000;
        return new SearchSink<>(
                new SearchElementConverter<>(mapper, versionType, maxRecordSizeInBytes),
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxBatchSizeInBytes,
                maxTimeInBuffer.toMillis(),
                maxRecordSizeInBytes,
                baseTimeoutMs,
                settings,
                adaptiveRateLimiting);
    }
}
