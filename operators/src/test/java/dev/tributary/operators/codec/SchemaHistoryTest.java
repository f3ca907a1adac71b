package dev.tributary.operators.codec;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The history folder stays consistent: every file indexed, every version readable by the current record. */
class SchemaHistoryTest {

    /** Surefire runs with the module directory as working directory. */
    private static final Path HISTORY_SOURCES = Path.of("..", "schemas", "src", "main", "avro-history");

    @Test
    void everyHistoryFileIsListedInTheIndexAndViceVersa() throws IOException {
        List<String> files;
        try (Stream<Path> listing = Files.list(HISTORY_SOURCES)) {
            files = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".avsc")).sorted().toList();
        }
        List<String> indexed = Files.readAllLines(HISTORY_SOURCES.resolve("index.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        assertThat(indexed).isEqualTo(files);
    }

    @Test
    void everyHistoricalVersionIsReadableByItsCurrentRecord() throws ClassNotFoundException {
        SchemaHistory history = SchemaHistory.fromClasspath();
        int checked = 0;
        for (String name : List.of("dev.tributary.events.HoverboardReading", "dev.tributary.events.AssetAnnounced",
                "dev.tributary.events.AssetBroadcast")) {
            Schema current = SpecificData.get().getSchema(Class.forName(name));
            for (Schema writer : history.versionsOf(name)) {
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, writer).getType())
                        .as(name + " reads its older version " + writer)
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                // and the other way: a job of the older release reads what the new one writes (with the defaults)
                assertThat(SchemaCompatibility.checkReaderWriterCompatibility(writer, current).getType())
                        .as("the older version " + writer + " reads " + name)
                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                assertThat(SingleObjectReader.fingerprintOf(writer)).isNotEqualTo(SingleObjectReader.fingerprintOf(current));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(3);
    }

    @Test
    void historyDescribesKnownFingerprintsAndNotOthers() {
        SchemaHistory history = SchemaHistory.fromClasspath();
        Schema v1 = history.versionsOf("dev.tributary.events.HoverboardReading").get(0);
        assertThat(history.describe(SingleObjectReader.fingerprintOf(v1))).get().asString()
                .contains("HoverboardReading").contains("avro-history/HoverboardReading-v1.avsc");
        assertThat(history.describe(42L)).isEmpty();
        assertThat(history.versionsOf("dev.tributary.events.Nothing")).isEmpty();
    }
}
