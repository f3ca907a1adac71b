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
        return land(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private CatalogEntry land(String name, byte[] content) throws Exception {
        java.nio.file.Path file = Files.write(dir.resolve(name), content);
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

    private static final String ROW = "{\"occurrenceId\":\"%s\",\"source\":\"obis\",\"kingdom\":\"Animalia\","
            + "\"scientificName\":\"%s\",\"eventTime\":\"2026-11-21T10:00:00Z\"%s}\n";

    @Test
    void hostileFilesAreRejectedWholeWithTheCodecsReasonCodes() throws Exception {
        byte[] invalidUtf8 = (String.format(ROW, "u1", "Delphinus", "") + String.format(ROW, "u2", "Delphinus \u00ff", ""))
                .getBytes(StandardCharsets.ISO_8859_1); // a lone 0xFF byte: not UTF-8
        String outOfRange = String.format(ROW, "v1", "Delphinus", "") + String.format(ROW, "v2", "Delphinus", ",\"latitude\":999");
        String endlessLine = String.format(ROW, "l1", "Delphinus", "") + "{\"x\":\"" + "a".repeat(ObservationFileParser.MAX_LINE_CHARS);
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(land("invalid-utf8.jsonl", invalidUtf8)));
            h.processElement(new StreamRecord<>(land("out-of-range.jsonl", outOfRange)));
            h.processElement(new StreamRecord<>(land("endless.jsonl", endlessLine)));

            assertThat(h.extractOutputValues()).as("all or nothing per file: the valid first rows too").isEmpty();
            List<DeadLetter> dead = h.getSideOutput(ObservationFileParser.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(dead).extracting(DeadLetter::getReasonCode).containsExactly("INVALID_UTF8", "INVALID_VALUE", "OVERSIZED");
            assertThat(dead.get(0).getReason()).contains("invalid-utf8.jsonl", "not valid UTF-8");
            assertThat(dead.get(1).getReason()).contains("line 2", "latitude");
            assertThat(dead.get(2).getReason()).contains("line 2", "longer than");
            assertThat(dead.get(2).getPayloadSize()).as("only the start of the endless line is kept").isLessThan(2048);
        }
    }
}
