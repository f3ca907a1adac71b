package dev.tributary.pipeline.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing stored landing files: CSV with quoting, JSON lines, all or nothing per file, failures recorded. */
class ObservationFileParserTest {

    private static final String HEADER = "occurrenceId,source,kingdom,scientificName,species,eventTime,latitude,longitude,countryCode,basisOfRecord\n";

    @TempDir
    java.nio.file.Path dir;

    /** Stores the file through the landing reader, as the flow does, and returns its catalog entry. */
    private CatalogEntry land(String name, String content) throws Exception {
        java.nio.file.Path file = Files.writeString(dir.resolve(name), content);
        var reader = new LandingFormat(dir.resolve("raw").toUri(), "job", "lake-landing-source").createReader(new Configuration(),
                new FileSourceSplit("1", new Path(file.toUri()), 0, Files.size(file), 0, Files.size(file)));
        return reader.readBatch().next().getRecord();
    }

    private OneInputStreamOperatorTestHarness<CatalogEntry, Observation> harness() throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(
                new ObservationFileParser(dir.resolve("raw").toUri(), "job", "lake-parse-observations")));
        h.open();
        return h;
    }

    @Test
    void csvAndJsonLinesBecomeObservationsAndTheParseIsCatalogued() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(land("a.csv", HEADER
                    + "o1,gbif,Plantae,\"Quercus robur, L.\",Quercus robur,2026-11-21T10:00:00Z,51.5,-0.1,GB,\n"
                    + "\n"
                    + "o2,gbif,Animalia,\"The \"\"robin\"\"\",,2026-11-21T10:01:00Z,,,,\n")));
            h.processElement(new StreamRecord<>(land("b.jsonl",
                    "{\"occurrenceId\":\"o3\",\"source\":\"obis\",\"kingdom\":\"Animalia\",\"scientificName\":\"Delphinus\",\"eventTime\":\"2026-11-21T10:00:00Z\"}\n")));

            List<Observation> out = h.extractOutputValues();
            assertThat(out).extracting(Observation::getOccurrenceId).containsExactly("o1", "o2", "o3");
            assertThat(out.get(0).getScientificName()).isEqualTo("Quercus robur, L.");
            assertThat(out.get(0).getLatitude()).isEqualTo(51.5);
            assertThat(out.get(1).getScientificName()).isEqualTo("The \"robin\"");
            assertThat(out.get(1).getLatitude()).isNull();
            assertThat(h.getSideOutput(ObservationFileParser.CATALOG)).extracting(r -> r.getValue()).allSatisfy(u -> {
                assertThat(u.getOperations()).singleElement().satisfies(op -> {
                    assertThat(op.getName()).isEqualTo("PARSE");
                    assertThat(op.getSucceeded()).isTrue();
                });
            });
            assertThat(h.getSideOutput(ObservationFileParser.CATALOG)).extracting(r -> r.getValue().getAttributes().get("observations"))
                    .containsExactly("2", "1");
            assertThat(h.getSideOutput(ObservationFileParser.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void aFileWithOneBadRowEmitsNothingAndIsRecordedAsAFailedParseAndOneDeadLetter() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(land("bad.csv", HEADER
                    + "o1,gbif,Plantae,Quercus robur,,2026-11-21T10:00:00Z,51.5,-0.1,GB,\n"
                    + "o2,gbif,Plantae,Quercus robur,,2026-11-21T10:00:00Z,north,-0.1,GB,\n")));
            h.processElement(new StreamRecord<>(land("short.csv", HEADER + "o3,gbif\n")));

            assertThat(h.extractOutputValues()).as("all or nothing per file").isEmpty();
            List<CatalogEntry> updates = h.getSideOutput(ObservationFileParser.CATALOG).stream().map(StreamRecord::getValue).toList();
            assertThat(updates).hasSize(2).allSatisfy(u -> assertThat(u.getOperations()).singleElement()
                    .satisfies(op -> assertThat(op.getSucceeded()).isFalse()));
            assertThat(updates.get(0).getOperations().get(0).getReason()).contains("line 3");
            assertThat(updates.get(1).getOperations().get(0).getReason()).startsWith(ObservationFileParser.MALFORMED_CSV)
                    .contains("2 cells, header has 10");
            List<DeadLetter> dead = h.getSideOutput(ObservationFileParser.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).hasSize(2).allSatisfy(d -> assertThat(d.getFlow()).isEqualTo("lake"));
            assertThat(new String(dead.get(0).getPayload().array(), StandardCharsets.UTF_8)).contains("north");
        }
    }

    @Test
    void otherFilesAndFailedStoresAreNotParsed() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(land("image.png", "not parsed")));
            h.processElement(new StreamRecord<>(new LandingFormat(dir.resolve("raw").toUri(), "job", "x").createReader(
                    new Configuration(), new FileSourceSplit("2", new Path(dir.resolve("gone.csv").toUri()), 0, 1, 0, 1))
                    .readBatch().next().getRecord()));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.getSideOutput(ObservationFileParser.CATALOG)).isNull();
        }
    }
}
