package dev.tributary.operators.codec;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.HoverboardReading;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;

import static dev.tributary.operators.codec.CodecAssertions.ok;
import static dev.tributary.operators.codec.CodecAssertions.rejected;
import static org.assertj.core.api.Assertions.assertThat;

/** Writers one schema version behind or ahead of the job are read by Avro schema resolution. */
class EvolutionTest {

    static Schema resource(String path) {
        try (InputStream in = EvolutionTest.class.getResourceAsStream(path)) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encodeWith(Schema writer, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GenericRecord newerReading(Schema v3) {
        GenericRecord r = new GenericData.Record(v3);
        r.put("deviceId", "hb-future");
        r.put("seq", 12L);
        r.put("eventTime", 1_795_000_000_000L);
        r.put("batteryPct", 64.0);
        r.put("temperatureC", 28.5);
        r.put("speedKmh", 9.5);
        r.put("latitude", 48.1);
        r.put("longitude", null);
        r.put("errorCode", "E42");
        r.put("firmwareVersion", "3.1.4");
        r.put("wheelRpm", List.of(310, 312));
        return r;
    }

    @Test
    void olderHoverboardWriterIsReadWithTheNewFieldsDefaults() {
        Schema v1 = resource("/avro-history/HoverboardReading-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("deviceId", "hb-old");
        old.put("seq", 5L);
        old.put("eventTime", 1_795_000_000_000L);
        old.put("batteryPct", 77.0);
        old.put("temperatureC", 21.0);
        old.put("latitude", null);
        old.put("longitude", 13.4);

        HoverboardReading r = ok(EventCodec.forType(HoverboardReading.class).decode(encodeWith(v1, old)));
        assertThat(r.getDeviceId()).isEqualTo("hb-old");
        assertThat(r.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_795_000_000_000L));
        assertThat(r.getLongitude()).isEqualTo(13.4);
        assertThat(r.getSpeedKmh()).isEqualTo(0.0);
        assertThat(r.getErrorCode()).isNull();
    }

    @Test
    void olderAssetWriterIsReadWithEmptyTagsAndVersionZero() {
        Schema v1 = resource("/avro-history/AssetAnnounced-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("assetId", "a-1");
        old.put("source", "hq");
        old.put("title", "t");
        old.put("description", null);
        old.put("mediaType", "video/mp4");
        old.put("url", "https://hq.example/a-1.mp4");
        old.put("publishedAt", 0L);

        AssetAnnounced a = ok(EventCodec.forType(AssetAnnounced.class).decode(encodeWith(v1, old)));
        assertThat(a.getUrl()).isEqualTo("https://hq.example/a-1.mp4");
        assertThat(a.getTags()).isEmpty();
        assertThat(a.getVersion()).isZero();
    }

    @Test
    void newerWriterIsReadIgnoringItsNewFieldsOnceItsSchemaIsKnown() {
        Schema v3 = resource("/avro-future/HoverboardReading-v3.avsc");
        byte[] payload = encodeWith(v3, newerReading(v3));

        Decoded.Rejected<?> unknown = rejected(EventCodec.forType(HoverboardReading.class).decode(payload), RejectReason.UNKNOWN_SCHEMA);
        assertThat(unknown.reason()).contains(SchemaHistory.hex(SingleObjectReader.fingerprintOf(v3)));

        EventCodec<HoverboardReading> codec = EventCodec.forType(HoverboardReading.class, CodecLimits.DEFAULTS,
                SchemaHistory.fromClasspath().with(List.of(v3)));
        HoverboardReading r = ok(codec.decode(payload));
        assertThat(r.getDeviceId()).isEqualTo("hb-future");
        assertThat(r.getSeq()).isEqualTo(12L);
        assertThat(r.getErrorCode()).isEqualTo("E42");
        assertThat(r.getSpeedKmh()).isEqualTo(9.5);
    }

    @Test
    void jsonFromANewerProducerIsReadIgnoringUnknownFields() {
        byte[] json = """
                {"deviceId":"hb-future","seq":12,"eventTime":"2026-11-21T10:00:00Z","batteryPct":64,"temperatureC":28.5,
                 "firmwareVersion":"3.1.4","wheelRpm":[310,312]}""".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ok(EventCodec.forType(HoverboardReading.class).decode(json)).getDeviceId()).isEqualTo("hb-future");
    }

    @Test
    void theFutureVersionIsCompatibleWithTheCurrentReader() {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(
                HoverboardReading.getClassSchema(), resource("/avro-future/HoverboardReading-v3.avsc")).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }
}
