package dev.tributary.sinks.search;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.DeadLetters;
import dev.tributary.sinks.deadletter.DeadLetterChannel;

import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Sends batches to {@code _bulk} and settles every document by the server's per-item answer: written and
 * stale (version conflict) documents are done, overloaded/unavailable ones are handed back to the
 * {@link AsyncSinkWriter} for another attempt after a backoff, refused ones go to the dead letters.
 *
 * <p>Backoff works by holding the {@link ResultHandler} until the delay has passed: the request stays "in
 * flight" meanwhile, so the base writer stops sending once {@code maxInFlightRequests} are waiting and its
 * buffer fills up, which backpressures the job during an outage instead of spinning or dropping documents.
 * A checkpoint waits for all in-flight requests (base writer's flush), so a checkpoint completes only after
 * every document before the barrier is written, conflicted, or dead-lettered and the dead letters flushed.
 */
final class SearchSinkWriter<T> extends AsyncSinkWriter<T, SearchRequestEntry> {

    private static final Logger LOG = LoggerFactory.getLogger(SearchSinkWriter.class);

    private final SearchSinkSettings settings;
    private final SearchHttp http;
    private final SearchSinkMetrics metrics;
    private final DeadLetterChannel deadLetters;
    private final ScheduledExecutorService retryTimer;
    /** Whether the last bulk request failed as a whole: an outage is logged when it starts and ends, not per request. */
    private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();

    SearchSinkWriter(
            ElementConverter<T, SearchRequestEntry> converter,
            WriterInitContext context,
            AsyncSinkWriterConfiguration configuration,
            Collection<BufferedRequestState<SearchRequestEntry>> states,
            SearchSinkSettings settings) {
        super(converter, context, configuration, states);
        this.settings = settings;
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.metrics = new SearchSinkMetrics(context.metricGroup());
        this.http = new SearchHttp(settings.connection(), System::getenv, "search-sink-http-" + subtask);
        this.retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "search-sink-retry-" + subtask);
            t.setDaemon(true);
            return t;
        });
        this.deadLetters = settings.deadLetters() == null ? null : settings.deadLetters().open();
        try {
            IndexTemplates.apply(http, settings.indexTemplates(), settings.retry());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying index templates", e);
        }
    }

    @Override
    protected void submitRequestEntries(List<SearchRequestEntry> entries, ResultHandler<SearchRequestEntry> handler) {
        long bytes = 0;
        List<SearchRequestEntry> toSend = new ArrayList<>(entries.size());
        for (SearchRequestEntry e : entries) {
            if (e.rejection() != null) {
                deadLetter(e, e.rejection());
            } else {
                toSend.add(e);
                bytes += e.sizeInBytes();
            }
        }
        if (toSend.isEmpty()) {
            handler.complete();
            return;
        }
        long inFlight = bytes;
        metrics.inFlightBytes.addAndGet(inFlight);
        send(toSend)
                .whenComplete((retry, error) -> {
                    if (error != null) {
                        metrics.inFlightBytes.addAndGet(-inFlight);
                        Throwable cause = unwrap(error);
                        handler.completeExceptionally(cause instanceof Exception ex ? ex : new SearchSinkException(cause.toString()));
                    } else {
                        settle(retry, handler, inFlight);
                    }
                });
    }

    /**
     * Sends one bulk request and returns the entries to try again. Completes exceptionally only for
     * failures retrying cannot fix (credentials, request too large, no dead-letter channel).
     */
    private CompletableFuture<List<SearchRequestEntry>> send(List<SearchRequestEntry> entries) {
        long start = System.nanoTime();
        metrics.bulkRequests.inc();
        return http.bulk(entries)
                .handle((response, error) -> {
                    metrics.bulkLatencyMillis.update(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return error == null
                            ? answer(entries, response)
                            : CompletableFuture.completedFuture(wholeRequestFailed(entries, "no response: " + unwrap(error)));
                })
                .thenCompose(next -> next);
    }

    private CompletableFuture<List<SearchRequestEntry>> answer(List<SearchRequestEntry> entries, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status == 200) {
            if (failing.compareAndSet(true, false)) {
                LOG.info("bulk requests to {} succeed again", settings.connection().baseUrl());
            }
            List<BulkItemResult> items;
            try {
                items = BulkResponseParser.parse(response.body());
            } catch (IOException e) {
                return CompletableFuture.completedFuture(wholeRequestFailed(entries, "unreadable bulk response: " + e.getMessage()));
            }
            BulkSettlement settlement;
            try {
                settlement = BulkSettlement.of(entries, items, System.currentTimeMillis());
            } catch (SearchSinkException e) {
                return CompletableFuture.failedFuture(e);
            }
            metrics.docsSent.inc(settlement.done());
            metrics.versionConflicts.inc(settlement.versionConflicts());
            for (BulkSettlement.Rejected r : settlement.rejected()) {
                deadLetter(r.entry(), r.reason());
            }
            return CompletableFuture.completedFuture(settlement.retry());
        }
        String reason = "HTTP " + status + ": " + BulkResponseParser.requestErrorReason(response.body());
        if (status == 401 || status == 403) {
            return CompletableFuture.failedFuture(new SearchSinkException("search cluster refused the sink's credentials: " + reason));
        }
        if (status == 413) {
            return CompletableFuture.failedFuture(new SearchSinkException(
                    "bulk request of " + entries.size() + " documents too large for the server; lower maxBatchSizeInBytes: " + reason));
        }
        if (status == 408 || status == 429 || status >= 500) {
            return CompletableFuture.completedFuture(wholeRequestFailed(entries, reason));
        }
        // Any other 4xx refuses the request as a whole, which a single bad document can cause; sending the
        // documents one by one finds it and lets the rest through.
        if (entries.size() == 1) {
            deadLetter(entries.get(0), reason);
            return CompletableFuture.completedFuture(List.of());
        }
        LOG.warn("bulk request of {} documents refused ({}); sending them one by one to isolate the bad ones", entries.size(), reason);
        CompletableFuture<List<SearchRequestEntry>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (SearchRequestEntry e : entries) {
            all = all.thenCompose(retry -> send(List.of(e)).thenApply(r -> {
                retry.addAll(r);
                return retry;
            }));
        }
        return all;
    }

    private List<SearchRequestEntry> wholeRequestFailed(List<SearchRequestEntry> entries, String reason) {
        metrics.bulkRequestFailures.inc();
        long now = System.currentTimeMillis();
        for (SearchRequestEntry e : entries) {
            e.recordFailure(now);
        }
        if (failing.compareAndSet(false, true)) {
            LOG.warn("bulk requests to {} fail, retrying with backoff for up to {}: {}",
                    settings.connection().baseUrl(), settings.retry().maxRetryDuration(), reason);
        } else {
            LOG.debug("bulk request of {} documents failed again: {}", entries.size(), reason);
        }
        return entries;
    }

    private void settle(List<SearchRequestEntry> retry, ResultHandler<SearchRequestEntry> handler, long inFlight) {
        if (retry.isEmpty()) {
            metrics.inFlightBytes.addAndGet(-inFlight);
            handler.complete();
            return;
        }
        int attempts = 0;
        long oldestFailure = Long.MAX_VALUE;
        for (SearchRequestEntry e : retry) {
            attempts = Math.max(attempts, e.attempts());
            oldestFailure = Math.min(oldestFailure, e.firstFailureMillis());
        }
        if (settings.retry().exhausted(oldestFailure, System.currentTimeMillis())) {
            metrics.inFlightBytes.addAndGet(-inFlight);
            handler.completeExceptionally(new SearchSinkException(retry.size() + " documents could not be written for longer than "
                    + settings.retry().maxRetryDuration() + " (" + attempts + " attempts); first: " + retry.get(0)));
            return;
        }
        metrics.docsRetried.inc(retry.size());
        long delay = settings.retry().backoffMillis(attempts);
        retryTimer.schedule(() -> {
            metrics.inFlightBytes.addAndGet(-inFlight);
            handler.retryForEntries(retry);
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void deadLetter(SearchRequestEntry entry, String reason) {
        if (deadLetters == null) {
            throw new SearchSinkException("search server refused document " + entry.index() + "/" + entry.id()
                    + " and the sink has no dead-letter channel: " + reason);
        }
        metrics.docsRejected.inc();
        DeadLetter letter = DeadLetters.of(
                settings.flow(),
                settings.operatorUid(),
                "SINK_REJECTED",
                "search index " + entry.index() + " refused document " + entry.id() + ": " + reason,
                new DeadLetters.Source(null, null, null, null, entry.id().getBytes(StandardCharsets.UTF_8)),
                entry.sourceDocument());
        letter.setPayloadSize(entry.documentSize());
        deadLetters.send(letter);
    }

    /** Waits for in-flight requests (base writer), then makes their dead letters durable before the checkpoint. */
    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        super.flush(endOfInput);
        if (deadLetters != null) {
            deadLetters.flush();
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    protected long getSizeInBytes(SearchRequestEntry entry) {
        return entry.sizeInBytes();
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        http.close();
        if (deadLetters != null) {
            deadLetters.close();
        }
        super.close();
    }
}
