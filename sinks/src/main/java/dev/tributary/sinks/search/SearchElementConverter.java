package dev.tributary.sinks.search;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;

import java.nio.charset.StandardCharsets;

/**
 * Renders each element's {@link SearchAction} into NDJSON once, when it enters the writer's buffer.
 *
 * <p>A document the server could never accept (larger than the record bound) or an element the mapper
 * cannot map becomes a pre-rejected entry that the writer dead-letters, instead of an exception that
 * would fail the job and replay the same element forever.
 */
final class SearchElementConverter<T> implements ElementConverter<T, SearchRequestEntry> {

    private static final long serialVersionUID = 1L;

    private final DocumentMapper<T> mapper;
    private final VersionType versionType;
    private final long maxDocumentBytes;

    SearchElementConverter(DocumentMapper<T> mapper, VersionType versionType, long maxDocumentBytes) {
        this.mapper = mapper;
        this.versionType = versionType;
        this.maxDocumentBytes = maxDocumentBytes;
    }

    @Override
    public SearchRequestEntry apply(T element, SinkWriter.Context context) {
        SearchAction action;
        try {
            action = mapper.toAction(element);
            if (action == null) {
                throw new IllegalArgumentException("the document mapper returned no action");
            }
        } catch (RuntimeException e) {
            return SearchRequestEntry.rejected("?", "?", "document mapper failed: " + e,
                    String.valueOf(element).getBytes(StandardCharsets.UTF_8));
        }
        SearchRequestEntry entry = BulkLines.render(action, versionType);
        if (entry.sizeInBytes() > maxDocumentBytes) {
            return SearchRequestEntry.rejected(action.index(), action.id(),
                    "document of " + entry.sizeInBytes() + " bytes exceeds the sink's maxRecordSizeInBytes " + maxDocumentBytes,
                    action.source());
        }
        return entry;
    }
}
