package dev.tributary.sinks.search;

import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.Collection;
import java.util.List;

/**
 * Sink V2 for Elasticsearch 7/8/9 and OpenSearch 1/2/3 over the {@code _bulk} REST API. Build one with
 * {@link #builder()}.
 *
 * <p>At-least-once: buffered documents are checkpointed and in-flight requests complete before a
 * checkpoint; deterministic ids and external versions make the repeats after a restore harmless.
 */
public final class SearchSink<T> extends AsyncSinkBase<T, SearchRequestEntry> {

    private static final long serialVersionUID = 1L;

    private final SearchSinkSettings settings;
    /** The AsyncSink's AIMD rate limiting instead of {@link InFlightRequestsLimit}. */
    private final boolean adaptiveRateLimiting;

    SearchSink(
            ElementConverter<T, SearchRequestEntry> converter,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS,
            long maxRecordSizeInBytes,
            long requestTimeoutMS,
            SearchSinkSettings settings,
            boolean adaptiveRateLimiting) {
        super(converter, maxBatchSize, maxInFlightRequests, maxBufferedRequests, maxBatchSizeInBytes,
                maxTimeInBufferMS, maxRecordSizeInBytes, requestTimeoutMS, false);
        this.settings = settings;
        this.adaptiveRateLimiting = adaptiveRateLimiting;
    }

    public static <T> SearchSinkBuilder<T> builder() {
        return new SearchSinkBuilder<>();
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<SearchRequestEntry>> createWriter(WriterInitContext context) {
        return restoreWriter(context, List.of());
    }

    @Override
    public StatefulSinkWriter<T, BufferedRequestState<SearchRequestEntry>> restoreWriter(
            WriterInitContext context, Collection<BufferedRequestState<SearchRequestEntry>> recoveredState) {
        AsyncSinkWriterConfiguration.AsyncSinkWriterConfigurationBuilder builder = AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(getMaxBatchSize())
                .setMaxBatchSizeInBytes(getMaxBatchSizeInBytes())
                .setMaxInFlightRequests(getMaxInFlightRequests())
                .setMaxBufferedRequests(getMaxBufferedRequests())
                .setMaxTimeInBufferMS(getMaxTimeInBufferMS())
                .setMaxRecordSizeInBytes(getMaxRecordSizeInBytes())
                .setRequestTimeoutMS(getRequestTimeoutMS())
                .setFailOnTimeout(getFailOnTimeout());
        if (!adaptiveRateLimiting) {
            builder.setRateLimitingStrategy(new InFlightRequestsLimit(getMaxInFlightRequests(), getMaxBatchSize()));
        }
        AsyncSinkWriterConfiguration configuration = builder.build();
        return new SearchSinkWriter<>(getElementConverter(), context, configuration, recoveredState, settings);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<SearchRequestEntry>> getWriterStateSerializer() {
        return new SearchRequestEntrySerializer();
    }

    @Override
    public String toString() {
        return "SearchSink{" + settings.connection().baseUrl() + "}";
    }
}
