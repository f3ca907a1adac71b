package dev.tributary.sinks.search;

import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SearchElementConverterTest {

    private static final DocumentMapper<String> MAPPER = s -> {
        if (s.startsWith("boom")) {
            throw new IllegalArgumentException("cannot map " + s.length() + " chars");
        }
        return SearchAction.index("i", "id-" + s.length(), 2L, "{\"s\":\"" + s + "\"}");
    };

    private final SearchElementConverter<String> converter = new SearchElementConverter<>(MAPPER, VersionType.EXTERNAL, 200_000);

    @Test
    void aMappableElementIsRenderedOnce() {
        SearchRequestEntry e = converter.apply("abc", null);

        assertThat(e.rejection()).isNull();
        assertThat(new String(e.actionLine(), StandardCharsets.UTF_8)).contains("\"version_type\":\"external\"");
        assertThat(e.sizeInBytes()).isEqualTo(e.actionLine().length + e.sourceLine().length);
    }

    @Test
    void anOversizedDocumentIsRejectedBeforeSendingAndKeepsOnlyABoundedPayload() {
        SearchRequestEntry e = converter.apply("x".repeat(300_000), null);

        assertThat(e.rejection()).contains("exceeds the sink's maxRecordSizeInBytes 200000");
        assertThat(e.id()).isEqualTo("id-300000");
        assertThat(e.sourceDocument()).hasSize(SearchRequestEntry.MAX_REJECTED_PAYLOAD + 1);
        assertThat(e.sizeInBytes()).isEqualTo(SearchRequestEntry.MAX_REJECTED_PAYLOAD + 1);
        assertThat(e.documentSize()).isEqualTo(300_000 + "{\"s\":\"\"}".length());
    }

    @Test
    void aMapperFailureIsRejectedWithItsMessageInsteadOfFailingTheJob() {
        SearchRequestEntry e = converter.apply("boom!", null);

        assertThat(e.rejection()).contains("document mapper failed").contains("cannot map 5 chars");
        assertThat(new String(e.sourceDocument(), StandardCharsets.UTF_8)).isEqualTo("boom!");
    }

    @Test
    void bufferedEntriesSurviveTheCheckpointSerializer() throws Exception {
        SearchRequestEntry normal = converter.apply("abc", null);
        SearchRequestEntry rejected = converter.apply("boom", null);
        SearchRequestEntry delete = BulkLines.render(SearchAction.delete("i", "\u00e9\"x", 9L), VersionType.EXTERNAL_GTE);
        SearchRequestEntrySerializer serializer = new SearchRequestEntrySerializer();

        BufferedRequestState<SearchRequestEntry> restored = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(new BufferedRequestState<>(List.of(
                        new RequestEntryWrapper<>(normal, normal.sizeInBytes()),
                        new RequestEntryWrapper<>(rejected, rejected.sizeInBytes()),
                        new RequestEntryWrapper<>(delete, delete.sizeInBytes())))));

        List<SearchRequestEntry> entries = restored.getBufferedRequestEntries().stream().map(RequestEntryWrapper::getRequestEntry).toList();
        assertThat(entries).hasSize(3);
        for (int i = 0; i < 3; i++) {
            SearchRequestEntry before = List.of(normal, rejected, delete).get(i);
            SearchRequestEntry after = entries.get(i);
            assertThat(after.index()).isEqualTo(before.index());
            assertThat(after.id()).isEqualTo(before.id());
            assertThat(after.actionLine()).isEqualTo(before.actionLine());
            assertThat(after.sourceLine()).isEqualTo(before.sourceLine());
            assertThat(after.rejection()).isEqualTo(before.rejection());
            assertThat(after.documentSize()).isEqualTo(before.documentSize());
        }
    }
}
