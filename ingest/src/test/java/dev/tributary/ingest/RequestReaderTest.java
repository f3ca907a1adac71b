package dev.tributary.ingest;

import dev.tributary.events.HoverboardReading;
import dev.tributary.ingest.RequestReader.MediaKind;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.testing.Samples;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestReaderTest {

    private static final EventRoute<HoverboardReading> ROUTE =
            (EventRoute<HoverboardReading>) EventRoute.telemetry(Map.of()).get("hoverboard");

    private static RequestReader<HoverboardReading> reader(int maxBodyBytes, int maxRecords) {
        return new RequestReader<>(ROUTE, maxBodyBytes, maxRecords, CodecLimits.DEFAULTS, Samples.validators());
    }

    static String readingJson(String device, long seq) {
        return "{\"deviceId\":\"" + device + "\",\"seq\":" + seq + ",\"eventTime\":\"2026-11-21T11:59:30Z\","
                + "\"batteryPct\":87.5,\"temperatureC\":31.2,\"speedKmh\":12.4,\"latitude\":52.52,\"longitude\":13.405,"
                + "\"errorCode\":null}";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static HoverboardReading decode(ParsedRecord record) {
        try {
            return HoverboardReading.getDecoder().decode(ByteBuffer.wrap(((ParsedRecord.Valid) record).value()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void oneJsonObjectBecomesOneAvroRecordKeyedByItsDevice() throws Exception {
        List<ParsedRecord> records = reader(1 << 20, 10).read(MediaKind.JSON, utf8(readingJson("hb-1", 7)));

        assertThat(records).singleElement().isInstanceOf(ParsedRecord.Valid.class);
        assertThat(((ParsedRecord.Valid) records.get(0)).key()).isEqualTo("hb-1");
        assertThat(decode(records.get(0)).getSeq()).isEqualTo(7);
    }

    @Test
    void aBatchKeepsItsOrderAndAnswersEachRecordOnItsOwn() throws Exception {
        String batch = "[" + readingJson("hb-1", 1) + ","
                + readingJson("hb-1", 2).replace("87.5", "130") + ","   // battery above 100 %
                + "{\"deviceId\":\"hb-1\"},"                              // fields missing
                + "42,"                                                  // not an object
                + readingJson("hb-2", 3) + "]";

        List<ParsedRecord> records = reader(1 << 20, 10).read(MediaKind.JSON, utf8(batch));

        assertThat(records).extracting(ParsedRecord::index).containsExactly(0, 1, 2, 3, 4);
        assertThat(records.get(0)).isInstanceOf(ParsedRecord.Valid.class);
        assertThat(records.get(1)).isInstanceOfSatisfying(ParsedRecord.Invalid.class, bad -> {
            assertThat(bad.code()).isEqualTo(RejectReason.INVALID_VALUE);
            assertThat(bad.reason()).contains("batteryPct");
        });
        assertThat(records.get(2)).isInstanceOfSatisfying(ParsedRecord.Invalid.class,
                bad -> assertThat(bad.code()).isEqualTo(RejectReason.MISSING_FIELD));
        assertThat(records.get(3)).isInstanceOfSatisfying(ParsedRecord.Invalid.class,
                bad -> assertThat(bad.code()).isEqualTo(RejectReason.MALFORMED_JSON));
        assertThat(decode(records.get(4)).getDeviceId().toString()).isEqualTo("hb-2");
    }

    @Test
    void aReadingFromTheFutureIsRejectedAsTheJobWouldRejectIt() throws Exception {
        List<ParsedRecord> records = reader(1 << 20, 10).read(MediaKind.JSON,
                utf8(readingJson("hb-1", 1).replace("2026-11-21T11:59:30Z", "2026-11-25T00:00:00Z")));

        assertThat(records).singleElement().isInstanceOfSatisfying(ParsedRecord.Invalid.class,
                bad -> assertThat(bad.code()).isEqualTo(RejectReason.EVENT_TIME_AHEAD));
    }

    @Test
    void avroSingleObjectAndAvroContainerBothRead() throws Exception {
        HoverboardReading one = Samples.hoverboardReading("hb-9", 5);
        assertThat(reader(1 << 20, 10).read(MediaKind.AVRO, Samples.avro(one)))
                .singleElement().satisfies(r -> assertThat(decode(r)).isEqualTo(one));

        ByteArrayOutputStream container = new ByteArrayOutputStream();
        try (DataFileWriter<HoverboardReading> writer = new DataFileWriter<>(new SpecificDatumWriter<>(HoverboardReading.class))) {
            writer.create(HoverboardReading.getClassSchema(), container);
            for (int seq = 1; seq <= 3; seq++) {
                writer.append(Samples.hoverboardReading("hb-9", seq));
            }
        }
        List<ParsedRecord> batch = reader(1 << 20, 10).read(MediaKind.AVRO, container.toByteArray());
        assertThat(batch).extracting(r -> decode(r).getSeq()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBodyThatIsNotJsonOrTooDeepOrEmptyIsRefusedAsAWhole() {
        assertThatThrownBy(() -> reader(1 << 20, 10).read(MediaKind.JSON, utf8("{\"deviceId\": ")))
                .isInstanceOfSatisfying(RequestRejected.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo(RejectReason.MALFORMED_JSON);
                });
        assertThatThrownBy(() -> reader(1 << 20, 10).read(MediaKind.JSON, utf8("\"a string\"")))
                .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.getMessage()).contains("array of objects"));
        assertThatThrownBy(() -> reader(1 << 20, 10).read(MediaKind.JSON, utf8("[".repeat(100) + "]".repeat(100))))
                .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo(RejectReason.LIMIT_EXCEEDED));
        assertThatThrownBy(() -> reader(1 << 20, 10).read(MediaKind.JSON, new byte[0]))
                .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo(RejectReason.EMPTY_PAYLOAD));
        assertThatThrownBy(() -> reader(1 << 20, 10).read(MediaKind.AVRO, utf8("Obj\u0001 not really")))
                .isInstanceOfSatisfying(RequestRejected.class, e -> assertThat(e.code()).isEqualTo(RejectReason.MALFORMED_AVRO));
    }

    @Test
    void aBatchPastTheRecordLimitIsRefusedWith413() {
        String batch = IntStream.rangeClosed(1, 11).mapToObj(seq -> readingJson("hb-1", seq))
                .collect(Collectors.joining(",", "[", "]"));

        assertThat(catchRejection(() -> reader(1 << 20, 10).read(MediaKind.JSON, utf8(batch))).status()).isEqualTo(413);
    }

    @Test
    void contentTypesAreMatchedWithoutParametersOrCase() {
        assertThat(MediaKind.of("application/json; charset=utf-8")).contains(MediaKind.JSON);
        assertThat(MediaKind.of("Application/Avro")).contains(MediaKind.AVRO);
        assertThat(MediaKind.of("avro/binary")).contains(MediaKind.AVRO);
        assertThat(MediaKind.of("text/plain")).isEmpty();
        assertThat(MediaKind.of(null)).isEmpty();
    }

    private static RequestRejected catchRejection(ThrowingRead read) {
        try {
            read.run();
        } catch (RequestRejected e) {
            return e;
        }
        throw new AssertionError("the request was not refused");
    }

    private interface ThrowingRead {
        void run() throws RequestRejected;
    }
}
