package dev.tributary.operators.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a Kafka record value into one event type, whichever way the producer encoded it: Avro single-object
 * encoding (any known schema version, by fingerprint) or a JSON object. Bad input comes back as
 * {@link Decoded.Rejected} with a {@link RejectReason} code; this class never throws for bad input.
 *
 * <p>Not thread-safe; create one per operator subtask (e.g. in {@code open()}).
 */
public final class EventCodec<T extends SpecificRecordBase> {

    private final Class<T> type;
    private final Schema schema;
    private final CodecLimits limits;
    private final SingleObjectReader<T> avro;
    private final JsonRecordReader json;
    private final ObjectMapper mapper;

    private EventCodec(Class<T> type, CodecLimits limits, SchemaHistory history) {
        this.type = type;
        this.limits = limits;
        SpecificData model = SpecificData.getForClass(type);
        FastAvroReads.enable(type);
        this.schema = model.getSchema(type);
        this.avro = new SingleObjectReader<>(schema, model, history);
        this.json = new JsonRecordReader(model, schema);
        this.mapper = jsonMapper(limits);
    }

    /** A codec with the default limits and the schema history packaged on the classpath. */
    public static <T extends SpecificRecordBase> EventCodec<T> forType(Class<T> type) {
        return forType(type, CodecLimits.DEFAULTS, SchemaHistory.fromClasspath(type.getClassLoader()));
    }

    public static <T extends SpecificRecordBase> EventCodec<T> forType(Class<T> type, CodecLimits limits, SchemaHistory history) {
        return new EventCodec<>(type, limits, history);
    }

    public Class<T> type() {
        return type;
    }

    /** The current (reader) schema. */
    public Schema schema() {
        return schema;
    }

    public Decoded<T> decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return Decoded.rejected(RejectReason.EMPTY_PAYLOAD, "record value is " + (payload == null ? "null (tombstone)" : "empty"));
        }
        if (payload.length > limits.maxPayloadBytes()) {
            return Decoded.rejected(RejectReason.OVERSIZED,
                    "payload of " + payload.length + " bytes exceeds the limit of " + limits.maxPayloadBytes() + " bytes");
        }
        switch (PayloadFormat.detect(payload)) {
            case AVRO:
                return avro.read(payload);
            case JSON:
                return decodeJson(payload);
            default:
                return Decoded.rejected(RejectReason.UNRECOGNIZED_FORMAT, "neither Avro single-object encoding (C3 01) nor a "
                        + "JSON object; first bytes: " + firstBytesHex(payload));
        }
    }

    private Decoded<T> decodeJson(byte[] payload) {
        Decoded<JsonNode> parsed = parseJson(payload, mapper);
        return parsed instanceof Decoded.Ok<JsonNode> ok ? fromJson(ok.value())
                : Decoded.rejected(((Decoded.Rejected<JsonNode>) parsed).reasonCode(), ((Decoded.Rejected<JsonNode>) parsed).reason());
    }

    /**
     * A JSON payload parsed strictly: invalid UTF-8, syntax errors and parser limits (those of {@code mapper}, e.g.
     * {@link #jsonMapper}) are rejections with their reason codes, never exceptions. Any JSON value may come back.
     */
    public static Decoded<JsonNode> parseJson(byte[] payload, ObjectMapper mapper) {
        int start = PayloadFormat.hasUtf8Bom(payload) ? 3 : 0;
        // Decoded strictly up front: Jackson's byte parser would report bad UTF-8 as a syntax error.
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload, start, payload.length - start);
        CharBuffer text = CharBuffer.allocate(payload.length - start);
        CoderResult result = utf8.decode(in, text, true);
        if (!result.isError()) {
            result = utf8.flush(text);
        }
        if (result.isError()) {
            return Decoded.rejected(RejectReason.INVALID_UTF8, "JSON payload is not valid UTF-8: "
                    + result.length() + " malformed byte(s) at offset " + in.position());
        }
        text.flip();
        JsonNode root;
        try {
            root = mapper.readTree(text.toString());
        } catch (StreamConstraintsException e) {
            return Decoded.rejected(RejectReason.LIMIT_EXCEEDED, "JSON exceeds a parser limit " + at(e.getLocation())
                    + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "malformed JSON " + at(e.getLocation()) + ": "
                    + e.getOriginalMessage());
        }
        return Decoded.ok(root);
    }

    /**
     * The event from a JSON object already parsed (e.g. one element of a batch sent over HTTP, parsed with
     * {@link #jsonMapper(CodecLimits)} so numbers keep the exactness this reader expects).
     */
    public Decoded<T> fromJson(JsonNode root) {
        if (root == null || !root.isObject()) {
            return Decoded.rejected(RejectReason.MALFORMED_JSON, "JSON payload is not an object");
        }
        try {
            return Decoded.ok(type.cast(json.read(root)));
        } catch (JsonRecordReader.DecodeFailure e) {
            return Decoded.rejected(e.code, e.getMessage());
        }
    }

    private static String at(JsonLocation location) {
        if (location == null) {
            return "";
        }
        return "at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstBytesHex(byte[] payload) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, payload.length); i++) {
            hex.append(String.format("%02x ", payload[i] & 0xFF));
        }
        return hex.toString().strip();
    }

    /**
     * The JSON parser the codec reads with: these limits as parser constraints, duplicate keys refused, exact
     * decimals. Whoever parses JSON for {@link #fromJson} uses it too.
     */
    public static ObjectMapper jsonMapper(CodecLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(CodecLimits.MAX_NUMBER_LENGTH)
                        .maxDocumentLength(limits.maxPayloadBytes())
                        .build())
                // a repeated key is ambiguous (which one wins differs between consumers): reject it
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        return mapper;
    }
}
