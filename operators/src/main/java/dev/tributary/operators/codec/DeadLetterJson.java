package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Renders a {@link DeadLetter} as one line of JSON for humans (demo output, logs, a consumer's console):
 * key and payload as text when they are valid UTF-8, else as base64 ({@code payloadBase64}).
 */
public final class DeadLetterJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    public static String render(DeadLetter letter) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("flow", letter.getFlow());
        node.put("operator", letter.getOperator());
        node.put("reasonCode", letter.getReasonCode());
        node.put("reason", letter.getReason());
        node.put("sourceTopic", letter.getSourceTopic());
        if (letter.getSourcePartition() == null) {
            node.putNull("sourcePartition");
        } else {
            node.put("sourcePartition", letter.getSourcePartition());
        }
        if (letter.getSourceOffset() == null) {
            node.putNull("sourceOffset");
        } else {
            node.put("sourceOffset", letter.getSourceOffset());
        }
        node.put("sourceTimestamp", letter.getSourceTimestamp() == null ? null : letter.getSourceTimestamp().toString());
        putBytes(node, "key", letter.getKey());
        node.put("keySize", letter.getKeySize());
        putBytes(node, "payload", letter.getPayload());
        node.put("payloadSize", letter.getPayloadSize());
        node.put("payloadTruncated", letter.getPayloadTruncated());
        node.put("payloadSha256", letter.getPayloadSha256());
        node.put("failedAt", letter.getFailedAt().toString());
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always renders", e);
        }
    }

    private static void putBytes(ObjectNode node, String name, ByteBuffer buffer) {
        if (buffer == null) {
            node.putNull(name);
            return;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        Optional<String> text = utf8(bytes);
        if (text.isPresent()) {
            node.put(name, text.get());
        } else {
            node.put(name + "Base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** The text, if the bytes are valid UTF-8 (a payload cut at the size limit may end mid-character: base64 then). */
    private static Optional<String> utf8(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return Optional.of(chars.toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
