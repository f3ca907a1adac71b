package dev.tributary.operators.codec;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetState;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Trip;
import dev.tributary.testing.Samples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.tributary.operators.codec.CodecAssertions.ok;
import static dev.tributary.operators.codec.CodecAssertions.rejected;
import static org.assertj.core.api.Assertions.assertThat;

class JsonDecodingTest {

    private final EventCodec<HoverboardReading> readings = EventCodec.forType(HoverboardReading.class);
    private final EventCodec<CatalogEntry> catalog = EventCodec.forType(CatalogEntry.class);

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesEveryFieldOfTheFixture() {
        HoverboardReading r = ok(readings.decode(Samples.json(HoverboardReading.class)));
        assertThat(r.getDeviceId()).isEqualTo("hb-0042");
        assertThat(r.getSeq()).isEqualTo(17L);
        assertThat(r.getEventTime()).isEqualTo(Instant.parse("2026-11-21T11:59:30Z"));
        assertThat(r.getBatteryPct()).isEqualTo(87.5);
        assertThat(r.getSpeedKmh()).isEqualTo(12.4);
        assertThat(r.getLatitude()).isEqualTo(52.52);
        assertThat(r.getErrorCode()).isNull();
    }

    @Test
    void absentFieldsTakeTheirDefaultsAndUnknownFieldsAreIgnored() {
        HoverboardReading r = ok(readings.decode(utf8("""
                {"deviceId":"d","seq":1,"eventTime":1700000000000,"batteryPct":50,"temperatureC":20,
                 "firmware":{"version":"9.1"},"extra":[1,2,3]}""")));
        assertThat(r.getSpeedKmh()).isEqualTo(0.0);
        assertThat(r.getLatitude()).isNull();
        assertThat(r.getErrorCode()).isNull();
        assertThat(r.getEventTime()).isEqualTo(Instant.ofEpochMilli(1700000000000L));
    }

    @Test
    void defaultsAreFreshInstancesNotShared() {
        AssetAnnounced a = ok(EventCodec.forType(AssetAnnounced.class).decode(utf8("""
                {"assetId":"a","source":"s","title":"t","mediaType":"image/png","url":"http://h/x","publishedAt":0}""")));
        AssetAnnounced b = ok(EventCodec.forType(AssetAnnounced.class).decode(utf8("""
                {"assetId":"b","source":"s","title":"t","mediaType":"image/png","url":"http://h/x","publishedAt":0}""")));
        assertThat(a.getTags()).isEmpty();
        assertThat(a.getVersion()).isZero();
        a.getTags().add("mutated");
        assertThat(b.getTags()).isEmpty();
    }

    @Test
    void timestampsAcceptEpochMillisAndIsoStringsWithOffsets() {
        String template = "{\"deviceId\":\"d\",\"seq\":1,\"eventTime\":%s,\"batteryPct\":50,\"temperatureC\":20}";
        Instant expected = Instant.parse("2026-11-21T10:00:00.250Z");
        assertThat(ok(readings.decode(utf8(template.formatted(expected.toEpochMilli())))).getEventTime()).isEqualTo(expected);
        assertThat(ok(readings.decode(utf8(template.formatted("\"2026-11-21T10:00:00.250Z\"")))).getEventTime()).isEqualTo(expected);
        assertThat(ok(readings.decode(utf8(template.formatted("\"2026-11-21T12:00:00.250+02:00\"")))).getEventTime()).isEqualTo(expected);
        rejected(readings.decode(utf8(template.formatted("\"yesterday\""))), RejectReason.WRONG_TYPE);
        rejected(readings.decode(utf8(template.formatted("\"1700000000000\""))), RejectReason.WRONG_TYPE);
        rejected(readings.decode(utf8(template.formatted("1700000000000.5"))), RejectReason.WRONG_TYPE);
    }

    @Test
    void nestedRecordsArraysAndMapsAreConverted() {
        CatalogEntry entry = ok(catalog.decode(Samples.json(CatalogEntry.class)));
        assertThat(entry.getOperations()).hasSize(3);
        assertThat(entry.getOperations().get(1).getReason()).isEqualTo("truncated file");
        assertThat(entry.getOperations().get(0).getReason()).isNull();
        assertThat(entry.getOperations().get(2).getAt()).isEqualTo(Instant.parse("2026-11-21T11:05:00Z"));
        assertThat(entry.getAttributes()).isEqualTo(Map.of("flow", "telemetry", "hour", "11"));
    }

    @Test
    void missingRequiredFieldNamesItsFullPath() {
        String json = Samples.jsonText(CatalogEntry.class).replace("{\"name\": \"PARSE\", \"at\": \"2026-11-21T11:05:00Z\", ",
                "{\"at\": \"2026-11-21T11:05:00Z\", ");
        Decoded.Rejected<?> r = rejected(catalog.decode(utf8(json)), RejectReason.MISSING_FIELD);
        assertThat(r.reason()).contains("'operations[2].name'").contains("missing");
    }

    @Test
    void explicitNullForARequiredFieldIsMissing() {
        Decoded.Rejected<?> r = rejected(readings.decode(utf8("""
                {"deviceId":null,"seq":1,"eventTime":0,"batteryPct":50,"temperatureC":20}""")), RejectReason.MISSING_FIELD);
        assertThat(r.reason()).contains("'deviceId'").contains("null");
    }

    @Test
    void wrongTypeNamesPathExpectedAndActual() {
        Decoded.Rejected<?> r = rejected(readings.decode(utf8("""
                {"deviceId":"d","seq":"17","eventTime":0,"batteryPct":50,"temperatureC":20}""")), RejectReason.WRONG_TYPE);
        assertThat(r.reason()).contains("'seq'").contains("expected long").contains("got string \"17\"");

        Decoded.Rejected<?> nested = rejected(catalog.decode(utf8(Samples.jsonText(CatalogEntry.class)
                .replace("\"succeeded\": false", "\"succeeded\": \"no\""))), RejectReason.WRONG_TYPE);
        assertThat(nested.reason()).contains("'operations[1].succeeded'").contains("expected boolean");

        Decoded.Rejected<?> map = rejected(catalog.decode(utf8(Samples.jsonText(CatalogEntry.class)
                .replace("\"hour\": \"11\"", "\"hour\": 11"))), RejectReason.WRONG_TYPE);
        assertThat(map.reason()).contains("attributes[\"hour\"]").contains("expected string").contains("got number 11");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"x\":1}", "[\"hb\"]", "42", "true"})
    void stringsRejectNonStringsInsteadOfCoercingThem(String value) {
        Decoded.Rejected<?> r = rejected(readings.decode(utf8("""
                {"deviceId":%s,"seq":1,"eventTime":0,"batteryPct":50,"temperatureC":20}""".formatted(value))), RejectReason.WRONG_TYPE);
        assertThat(r.reason()).contains("'deviceId'").contains("expected string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "9223372036854775808", "-9223372036854775809", "1e19", "true", "null"})
    void longsRejectFractionsOverflowAndNonNumbers(String seq) {
        Decoded<?> d = readings.decode(utf8("""
                {"deviceId":"d","seq":%s,"eventTime":0,"batteryPct":50,"temperatureC":20}""".formatted(seq)));
        rejected(d, seq.equals("null") ? RejectReason.MISSING_FIELD : RejectReason.WRONG_TYPE);
    }

    @Test
    void integralValuedFloatsAreAcceptedAsLongs() {
        HoverboardReading r = ok(readings.decode(utf8("""
                {"deviceId":"d","seq":5.0,"eventTime":1.7e12,"batteryPct":50,"temperatureC":20}""")));
        assertThat(r.getSeq()).isEqualTo(5L);
        assertThat(r.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    }

    @Test
    void intsRejectValuesOutsideThirtyTwoBits() {
        EventCodec<dev.tributary.events.DeadLetter> letters = EventCodec.forType(dev.tributary.events.DeadLetter.class);
        String template = """
                {"flow":"f","operator":"o","reasonCode":"C","reason":"r","sourcePartition":%s,
                 "payload":"aGk=","payloadSize":2,"failedAt":0}""";
        assertThat(ok(letters.decode(utf8(template.formatted("2147483647")))).getSourcePartition()).isEqualTo(Integer.MAX_VALUE);
        Decoded.Rejected<?> r = rejected(letters.decode(utf8(template.formatted("2147483648"))), RejectReason.WRONG_TYPE);
        assertThat(r.reason()).contains("'sourcePartition'").contains("out of range");
        // bytes come as base64
        assertThat(ok(letters.decode(utf8(template.formatted("1")))).getPayload().remaining()).isEqualTo(2);
    }

    @Test
    void enumsAcceptSymbolsAndFallBackToTheDefaultForUnknownOnes() {
        EventCodec<AssetStatus> statuses = EventCodec.forType(AssetStatus.class);
        String template = "{\"assetId\":\"a\",\"state\":%s,\"at\":0}";
        assertThat(ok(statuses.decode(utf8(template.formatted("\"STORED\"")))).getState()).isEqualTo(AssetState.STORED);
        assertThat(ok(statuses.decode(utf8(template.formatted("\"TELEPORTED\"")))).getState()).isEqualTo(AssetState.UNKNOWN);
        rejected(statuses.decode(utf8(template.formatted("3"))), RejectReason.WRONG_TYPE);
    }

    @Test
    void nullableUnionsAcceptNullAndTheirBranch() {
        EventCodec<Trip> trips = EventCodec.forType(Trip.class);
        String base = "{\"tripId\":\"t\",\"hoverboardId\":\"h\",\"customerId\":\"c\",\"startedAt\":0,\"endedAt\":%s}";
        assertThat(ok(trips.decode(utf8(base.formatted("null")))).getEndedAt()).isNull();
        assertThat(ok(trips.decode(utf8(base.formatted("\"1970-01-01T00:00:01Z\"")))).getEndedAt()).isEqualTo(Instant.ofEpochSecond(1));
        Decoded.Rejected<?> r = rejected(trips.decode(utf8(base.formatted("{}"))), RejectReason.WRONG_TYPE);
        assertThat(r.reason()).contains("'endedAt'");
    }

    @Test
    void arraysRejectNullItems() {
        String json = Samples.jsonText(AssetAnnounced.class).replace("[\"bridge\", \"inspection\"]", "[\"bridge\", null]");
        Decoded.Rejected<?> r = rejected(EventCodec.forType(AssetAnnounced.class).decode(utf8(json)), RejectReason.WRONG_TYPE);
        assertThat(r.reason()).contains("'tags[1]'");
    }

    @Test
    void injectionLookingStringsAreDataAndPassThroughUnchanged() {
        List<String> hostile = List.of(
                "'; DROP TABLE hoverboard_readings; --",
                "\" OR \"1\"=\"1",
                "{\"$where\": \"sleep(1000)\"}",
                "<script>alert(1)</script>",
                "../../etc/passwd",
                "\\u0000 is only text here",
                "emoji 🚀 and ümlauts");
        for (String text : hostile) {
            String json = "{\"deviceId\":" + quote(text) + ",\"seq\":1,\"eventTime\":0,\"batteryPct\":50,\"temperatureC\":20,"
                    + "\"errorCode\":" + quote(text) + "}";
            HoverboardReading r = ok(readings.decode(utf8(json)));
            assertThat(r.getDeviceId()).isEqualTo(text);
            assertThat(r.getErrorCode()).isEqualTo(text);
        }
    }

    @Test
    void nulCharactersAndLoneSurrogatesInStringsAreRejected() {
        Decoded.Rejected<?> nul = rejected(readings.decode(utf8("""
                {"deviceId":"hb\\u0000x","seq":1,"eventTime":0,"batteryPct":50,"temperatureC":20}""")), RejectReason.INVALID_VALUE);
        assertThat(nul.reason()).contains("'deviceId'").contains("NUL");
        Decoded.Rejected<?> surrogate = rejected(readings.decode(utf8("""
                {"deviceId":"hb\\ud800x","seq":1,"eventTime":0,"batteryPct":50,"temperatureC":20}""")), RejectReason.INVALID_UTF8);
        assertThat(surrogate.reason()).contains("'deviceId'").contains("surrogate");
    }

    @Test
    void leadingWhitespaceAndByteOrderMarkAreAccepted() {
        byte[] json = utf8("\uFEFF \n\t" + Samples.jsonText(HoverboardReading.class));
        assertThat(ok(readings.decode(json)).getDeviceId()).isEqualTo("hb-0042");
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append('"').toString();
    }
}
