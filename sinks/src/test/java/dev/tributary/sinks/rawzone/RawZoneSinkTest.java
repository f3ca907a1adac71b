package dev.tributary.sinks.rawzone;

import dev.tributary.events.RawEvent;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The raw zone's FileSink on file:// in a MiniCluster: partition layout, committed Avro files, every record once. */
class RawZoneSinkTest {

    private static final Instant AT = Instant.parse("2026-11-21T22:15:00Z");

    @TempDir
    Path root;

    @Test
    void writesCommittedAvroPartFilesPerFlowDateAndHour() throws Exception {
        int records = 1_000;
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        DataGeneratorSource<RawEvent> source = new DataGeneratorSource<>(
                i -> RawEvent.newBuilder().setFlow(i % 2 == 0 ? "telemetry" : "observations").setType("t")
                        .setKey("k" + i).setIngestedAt(AT.plusSeconds(i % 3 == 0 ? 3600 : 0))
                        .setPayload(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, i.byteValue()})).build(),
                records, new AvroTypeInfo<>(RawEvent.class));
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "gen").uid("gen").name("gen")
                .sinkTo(RawZoneSink.forRoot(root.toUri())).uid("raw").name("raw");
        env.execute("raw-zone-test");

        List<Path> parts;
        try (Stream<Path> files = Files.walk(root)) {
            parts = files.filter(Files::isRegularFile).toList();
        }
        assertThat(parts).as("only committed part files remain after the final checkpoint").allSatisfy(p ->
                assertThat(root.relativize(p).toString()).matches(
                        "events/(telemetry|observations)/date=2026-11-21/hour=(22|23)/part-[^/]+\\.avro"));
        Set<String> keys = new HashSet<>();
        List<RawEvent> read = new ArrayList<>();
        for (Path part : parts) {
            try (DataFileReader<RawEvent> in = new DataFileReader<>(part.toFile(), new SpecificDatumReader<>(RawEvent.class))) {
                for (RawEvent e : in) {
                    read.add(e);
                    keys.add(e.getKey());
                    String hour = e.getIngestedAt().equals(AT) ? "22" : "23";
                    assertThat(root.relativize(part).toString()).startsWith("events/" + e.getFlow() + "/date=2026-11-21/hour=" + hour);
                }
            }
        }
        assertThat(read).hasSize(records);
        assertThat(keys).hasSize(records);
    }
}
