package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void textPayloadIsShownAsText() throws Exception {
        DeadLetter letter = DeadLetters.of("telemetry", "telemetry-decode-hoverboard", RejectReason.MALFORMED_JSON,
                "malformed JSON at line 1, column 13", DeadLetters.Source.kafka("telemetry.hoverboard", 2, 41, 1000L,
                        "hb-1".getBytes(StandardCharsets.UTF_8)),
                "{\"deviceId\":\"hb-1\", \"note\": \"ünïcödé\"".getBytes(StandardCharsets.UTF_8));
        JsonNode json = MAPPER.readTree(DeadLetterJson.render(letter));
        assertThat(json.get("reasonCode").asText()).isEqualTo("MALFORMED_JSON");
        assertThat(json.get("sourceTopic").asText()).isEqualTo("telemetry.hoverboard");
        assertThat(json.get("sourcePartition").asInt()).isEqualTo(2);
        assertThat(json.get("sourceOffset").asLong()).isEqualTo(41L);
        assertThat(json.get("sourceTimestamp").asText()).isEqualTo("1970-01-01T00:00:01Z");
        assertThat(json.get("key").asText()).isEqualTo("hb-1");
        assertThat(json.get("payload").asText()).isEqualTo("{\"deviceId\":\"hb-1\", \"note\": \"ünïcödé\"");
        assertThat(json.has("payloadBase64")).isFalse();
    }

    @Test
    void binaryPayloadIsShownAsBase64AndMissingSourceAsNulls() throws Exception {
        byte[] binary = {(byte) 0xC3, 0x01, (byte) 0xFF, 0x00, 0x7F};
        DeadLetter letter = DeadLetters.of("lake", "lake-parse", RejectReason.UNKNOWN_SCHEMA, "r", DeadLetters.Source.none(), binary);
        JsonNode json = MAPPER.readTree(DeadLetterJson.render(letter));
        assertThat(json.has("payload")).isFalse();
        assertThat(Base64.getDecoder().decode(json.get("payloadBase64").asText())).isEqualTo(binary);
        assertThat(json.get("sourceTopic").isNull()).isTrue();
        assertThat(json.get("sourceOffset").isNull()).isTrue();
        assertThat(json.get("key").isNull()).isTrue();
    }

    @Test
    void truncatedPayloadIsFlaggedWithItsOriginalSize() throws Exception {
        byte[] big = new byte[DeadLetters.MAX_PAYLOAD_BYTES + 10];
        Arrays.fill(big, (byte) 'a');
        JsonNode json = MAPPER.readTree(DeadLetterJson.render(
                DeadLetters.of("f", "o", RejectReason.OVERSIZED, "r", DeadLetters.Source.none(), big)));
        assertThat(json.get("payloadTruncated").asBoolean()).isTrue();
        assertThat(json.get("payloadSize").asInt()).isEqualTo(big.length);
        assertThat(json.get("payload").asText()).hasSize(DeadLetters.MAX_PAYLOAD_BYTES);
    }
}
