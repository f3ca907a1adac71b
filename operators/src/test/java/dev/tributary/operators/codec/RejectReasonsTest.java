package dev.tributary.operators.codec;

import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.Samples;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.tributary.operators.codec.CodecAssertions.rejected;
import static org.assertj.core.api.Assertions.assertThat;

/** Every way a payload can be bad ends as a reason code, never as an exception. */
class RejectReasonsTest {

    private static final CodecLimits SMALL = new CodecLimits(64 * 1024, 16, 1024);
    private final EventCodec<HoverboardReading> codec =
            EventCodec.forType(HoverboardReading.class, SMALL, SchemaHistory.fromClasspath());

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void emptyAndNullPayloads() {
        assertThat(rejected(codec.decode(null), RejectReason.EMPTY_PAYLOAD).reason()).contains("tombstone");
        rejected(codec.decode(new byte[0]), RejectReason.EMPTY_PAYLOAD);
    }

    @Test
    void malformedJsonNamesTheLocation() {
        Decoded.Rejected<?> r = rejected(codec.decode(utf8("{\"deviceId\": \"d\",\n \"seq\": }")), RejectReason.MALFORMED_JSON);
        assertThat(r.reason()).contains("line 2");
    }

    @Test
    void truncatedJson() {
        byte[] full = Samples.json(HoverboardReading.class);
        rejected(codec.decode(Arrays.copyOf(full, full.length / 2)), RejectReason.MALFORMED_JSON);
    }

    @Test
    void trailingGarbageAndDuplicateKeysAreMalformed() {
        rejected(codec.decode(utf8(Samples.jsonText(HoverboardReading.class) + " {}")), RejectReason.MALFORMED_JSON);
        Decoded.Rejected<?> dup = rejected(codec.decode(utf8("{\"seq\":1,\"seq\":2}")), RejectReason.MALFORMED_JSON);
        assertThat(dup.reason()).contains("seq");
    }

    @Test
    void notAnObjectOrBinaryGarbageIsUnrecognized() {
        rejected(codec.decode(utf8("[{\"deviceId\":\"d\"}]")), RejectReason.UNRECOGNIZED_FORMAT);
        rejected(codec.decode(utf8("deviceId=d,seq=1")), RejectReason.UNRECOGNIZED_FORMAT);
        Decoded.Rejected<?> r = rejected(codec.decode(new byte[] {0x00, (byte) 0xFF, 0x13, 0x37}), RejectReason.UNRECOGNIZED_FORMAT);
        assertThat(r.reason()).contains("00 ff 13 37");
        // Confluent wire format (magic 0 + schema id) is not ours either
        rejected(codec.decode(new byte[] {0, 0, 0, 0, 1, 2, 4}), RejectReason.UNRECOGNIZED_FORMAT);
    }

    @Test
    void oversizedPayloadsAreRejectedBeforeParsing() {
        byte[] big = new byte[SMALL.maxPayloadBytes() + 1];
        Arrays.fill(big, (byte) '{'); // would be a nesting bomb if it were parsed
        Decoded.Rejected<?> r = rejected(codec.decode(big), RejectReason.OVERSIZED);
        assertThat(r.reason()).contains(String.valueOf(big.length)).contains(String.valueOf(SMALL.maxPayloadBytes()));
    }

    @Test
    void invalidUtf8IsNamedWithItsOffset() {
        byte[] json = utf8("{\"deviceId\":\"hb-XX\",\"seq\":1}");
        json[15] = (byte) 0xC3; // a lead byte followed by an ASCII byte
        json[16] = (byte) 'X';
        Decoded.Rejected<?> r = rejected(codec.decode(json), RejectReason.INVALID_UTF8);
        assertThat(r.reason()).contains("offset 15");
        byte[] overlong = utf8("{\"deviceId\":\"..\"}");
        overlong[13] = (byte) 0xC0; // overlong encoding of '.'
        overlong[14] = (byte) 0xAE;
        rejected(codec.decode(overlong), RejectReason.INVALID_UTF8);
    }

    @Test
    void deepNestingBombHitsTheDepthLimitNotTheStack() {
        String bomb = "{\"deviceId\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
        Decoded.Rejected<?> r = rejected(codec.decode(utf8(bomb)), RejectReason.LIMIT_EXCEEDED);
        assertThat(r.reason()).containsIgnoringCase("nesting depth");
    }

    @Test
    void hugeStringHitsTheStringLimit() {
        String json = "{\"deviceId\":\"" + "x".repeat(SMALL.maxStringLength() * 20) + "\",\"seq\":1}";
        Decoded.Rejected<?> r = rejected(codec.decode(utf8(json)), RejectReason.LIMIT_EXCEEDED);
        assertThat(r.reason()).containsIgnoringCase("string");
    }

    @Test
    void hugeNumberHitsTheNumberLimit() {
        String json = "{\"deviceId\":\"d\",\"seq\":" + "9".repeat(5_000) + "}";
        rejected(codec.decode(utf8(json)), RejectReason.LIMIT_EXCEEDED);
    }

    @Test
    void unknownFingerprintIsNamedInHex() {
        Schema stranger = SchemaBuilder.record("Stranger").namespace("elsewhere").fields().requiredLong("x").endRecord();
        long fingerprint = SchemaNormalization.parsingFingerprint64(stranger);
        byte[] payload = new byte[12];
        payload[0] = (byte) 0xC3;
        payload[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            payload[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        Decoded.Rejected<?> r = rejected(codec.decode(payload), RejectReason.UNKNOWN_SCHEMA);
        assertThat(r.reason()).contains(String.format("0x%016x", fingerprint)).contains("HoverboardReading");
    }

    @Test
    void anotherEventTypeOnTheWrongTopicIsAnUnknownSchemaThatSaysWhichItIs() {
        byte[] observation = Samples.avro(Samples.record(dev.tributary.events.Observation.class));
        EventCodec<HoverboardReading> withAll = EventCodec.forType(HoverboardReading.class, SMALL,
                SchemaHistory.fromClasspath().with(List.of(dev.tributary.events.Observation.getClassSchema())));
        Decoded.Rejected<?> r = rejected(withAll.decode(observation), RejectReason.UNKNOWN_SCHEMA);
        assertThat(r.reason()).contains("dev.tributary.events.Observation");
    }

    @Test
    void truncatedAvroBodyAndHeader() {
        byte[] avro = Samples.avro(Samples.hoverboardReading("hb-1", 3));
        rejected(codec.decode(Arrays.copyOf(avro, avro.length - 3)), RejectReason.MALFORMED_AVRO);
        rejected(codec.decode(Arrays.copyOf(avro, 6)), RejectReason.MALFORMED_AVRO);
        byte[] trailing = Arrays.copyOf(avro, avro.length + 2);
        assertThat(rejected(codec.decode(trailing), RejectReason.MALFORMED_AVRO).reason()).contains("trailing");
    }

    @Test
    void avroLengthClaimsLargerThanThePayloadAreRejectedWithoutAllocatingThem() {
        byte[] avro = Samples.avro(Samples.hoverboardReading("hb-1", 3));
        // body starts with the deviceId length (zig-zag varint); claim ~2 GiB
        byte[] hostile = Arrays.copyOf(avro, 10 + 5);
        byte[] huge = {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
        System.arraycopy(huge, 0, hostile, 10, huge.length);
        Decoded.Rejected<?> r = rejected(codec.decode(hostile), RejectReason.MALFORMED_AVRO);
        assertThat(r.reason()).contains("exceeds the payload size");
    }

    @Test
    void everyReasonCodeEqualsItsConstantName() throws IllegalAccessException {
        int constants = 0;
        for (java.lang.reflect.Field field : RejectReason.class.getFields()) {
            assertThat(field.get(null)).as(field.getName()).isEqualTo(field.getName());
            constants++;
        }
        assertThat(constants).isEqualTo(13);
    }
}
