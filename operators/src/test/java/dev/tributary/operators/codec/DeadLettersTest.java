package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.assets.Sha256;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter always fits its topic, whatever the record it reports carried. */
class DeadLettersTest {

    @Test
    void theLargestKeyPayloadAndReasonStillMakeASmallDeadLetter() {
        byte[] key = new byte[900 * 1024];            // a key the broker accepted
        byte[] payload = new byte[1024 * 1024];
        Arrays.fill(payload, (byte) 'x');
        String reason = "field 'deviceId' = \"" + "é".repeat(500_000) + "\" must be at most 256 characters";

        DeadLetter letter = DeadLetters.of("telemetry", "hoverboard-reading-source", "INVALID_VALUE", reason,
                DeadLetters.Source.kafka("t", 0, 42, 0, key), payload);

        assertThat(letter.getKey().remaining()).isEqualTo(DeadLetters.MAX_KEY_BYTES);
        assertThat(letter.getKeySize()).isEqualTo(key.length);
        assertThat(letter.getPayload().remaining()).isEqualTo(DeadLetters.MAX_PAYLOAD_BYTES);
        assertThat(letter.getPayloadSize()).isEqualTo(payload.length);
        assertThat(letter.getPayloadTruncated()).isTrue();
        assertThat(letter.getPayloadSha256()).isEqualTo(Sha256.hex(payload));
        assertThat(letter.getReason()).hasSize(DeadLetters.MAX_REASON_CHARS)
                .startsWith("field 'deviceId' = \"éé").endsWith("... (" + reason.length() + " characters)");
        assertThat(AvroEventSerializer.encode(letter).length).as("encoded, in bytes")
                .isLessThan(DeadLetters.MAX_PAYLOAD_BYTES + 8 * 1024);
    }

    @Test
    void smallPartsAreKeptWhole() {
        byte[] key = "hb-1".getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = DeadLetters.of("telemetry", "op", "MALFORMED_JSON", "bad", DeadLetters.Source.kafka("t", 0, 1, 0, key),
                "{".getBytes(StandardCharsets.UTF_8));
        assertThat(letter.getKey()).isEqualTo(ByteBuffer.wrap(key));
        assertThat(letter.getKeySize()).isEqualTo(4);
        assertThat(letter.getReason()).isEqualTo("bad");
        assertThat(letter.getPayloadTruncated()).isFalse();
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String emoji = "🛹".repeat(DeadLetters.MAX_REASON_CHARS);
        String cut = DeadLetters.cut(emoji);
        assertThat(cut.length()).isLessThanOrEqualTo(DeadLetters.MAX_REASON_CHARS);
        assertThat(cut.chars().filter(c -> Character.isSurrogate((char) c)).count() % 2).as("no half of a pair").isZero();
        assertThat(Character.isHighSurrogate(cut.charAt(cut.indexOf("...") - 1))).isFalse();
    }
}
