package dev.tributary.operators.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import org.apache.avro.Conversion;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a parsed JSON object into a SpecificRecord by walking the record's Avro schema, so JSON and Avro
 * producers are held to the same contract.
 *
 * <p>Rules: absent or null fields take their default (nullable fields without one become null); unknown JSON
 * fields are ignored (forward compatible); numbers must fit their type exactly (no fractions in ints, no
 * overflow); strings must be JSON strings (no coercion of numbers or objects); timestamps accept epoch numbers
 * or ISO-8601 strings; enums accept symbol names (an unknown one falls back to the enum's default, if any);
 * bytes and fixed accept base64 strings; unions try their branches in order.
 */
final class JsonRecordReader {

    private static final int MAX_SHOWN_CHARS = 60;

    private final SpecificData model;
    private final Schema schema;

    JsonRecordReader(SpecificData model, Schema schema) {
        this.model = model;
        this.schema = schema;
    }

    Object read(JsonNode root) throws DecodeFailure {
        return readValue(schema, root, "");
    }

    /** Bad input found while walking; carries the reject reason. Cheap: no stack trace. */
    static final class DecodeFailure extends Exception {
        final String code;

        DecodeFailure(String code, String reason) {
            super(reason, null, false, false);
            this.code = code;
        }
    }

    private Object readValue(Schema s, JsonNode node, String path) throws DecodeFailure {
        LogicalType logical = s.getLogicalType();
        Object raw = logical != null && isTemporal(logical) ? readTemporal(s, logical, node, path) : readRaw(s, node, path);
        if (logical == null || raw == null) {
            return raw;
        }
        Conversion<?> conversion = model.getConversionFor(logical);
        return conversion == null ? raw : Conversions.convertToLogicalType(raw, s, logical, conversion);
    }

    private Object readRaw(Schema s, JsonNode node, String path) throws DecodeFailure {
        switch (s.getType()) {
            case RECORD:
                return readRecord(s, node, path);
            case UNION:
                return readUnion(s, node, path);
            case STRING:
                return readString(node, path);
            case ENUM:
                return readEnum(s, node, path);
            case INT:
                return (int) readIntegral(node, path, "int", Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG:
                return readIntegral(node, path, "long", Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT:
                return (float) readFloating(node, path, "float", Float.MAX_VALUE);
            case DOUBLE:
                return readFloating(node, path, "double", Double.MAX_VALUE);
            case BOOLEAN:
                if (!node.isBoolean()) {
                    throw wrongType(path, "boolean", node);
                }
                return node.booleanValue();
            case ARRAY:
                return readArray(s, node, path);
            case MAP:
                return readMap(s, node, path);
            case BYTES:
                return ByteBuffer.wrap(readBase64(node, path, "bytes (base64 string)"));
            case FIXED:
                byte[] fixed = readBase64(node, path, "fixed(" + s.getFixedSize() + ") (base64 string)");
                if (fixed.length != s.getFixedSize()) {
                    throw invalid(path, node, "must decode to exactly " + s.getFixedSize() + " bytes");
                }
                return model.createFixed(null, fixed, s);
            case NULL:
                if (!node.isNull()) {
                    throw wrongType(path, "null", node);
                }
                return null;
            default:
                throw new IllegalStateException("unsupported Avro type " + s.getType() + " at " + path);
        }
    }

    private Object readRecord(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (!node.isObject()) {
            throw wrongType(path, "object (" + s.getName() + ")", node);
        }
        Object record = model.newRecord(null, s);
        for (Schema.Field field : s.getFields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            JsonNode value = node.get(field.name());
            Object converted;
            if (value != null && !value.isNull()) {
                converted = readValue(field.schema(), value, fieldPath);
            } else if (value != null && acceptsNull(field.schema())) {
                converted = null;
            } else if (field.hasDefaultValue()) {
                // getDefaultValue returns a shared instance; copy it like Avro's generated builders do.
                converted = model.deepCopy(field.schema(), model.getDefaultValue(field));
            } else if (acceptsNull(field.schema())) {
                converted = null;
            } else {
                throw new DecodeFailure(RejectReason.MISSING_FIELD, "required field '" + fieldPath + "' is "
                        + (value == null ? "missing" : "null") + " (expected " + describe(field.schema()) + ")");
            }
            model.setField(record, field.name(), field.pos(), converted);
        }
        return record;
    }

    private Object readUnion(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (node.isNull()) {
            if (acceptsNull(s)) {
                return null;
            }
            throw wrongType(path, describe(s), node);
        }
        List<Schema> branches = new ArrayList<>();
        for (Schema branch : s.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                branches.add(branch);
            }
        }
        if (branches.size() == 1) {
            return readValue(branches.get(0), node, path);
        }
        for (Schema branch : branches) {
            try {
                return readValue(branch, node, path);
            } catch (DecodeFailure tryNext) {
                // the next branch may fit
            }
        }
        throw wrongType(path, describe(s), node);
    }

    private String readString(JsonNode node, String path) throws DecodeFailure {
        if (!node.isTextual()) {
            throw wrongType(path, "string", node);
        }
        return checkText(node.textValue(), path);
    }

    /** Text no sink can store is rejected here already, with the JSON path (see {@link TextFieldsCheck}). */
    private static String checkText(String text, String path) throws DecodeFailure {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                // PostgreSQL/Redshift text cannot hold NUL; one such row would fail a whole sink batch.
                throw new DecodeFailure(RejectReason.INVALID_VALUE, "field '" + path + "' contains a NUL character (U+0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new DecodeFailure(RejectReason.INVALID_UTF8, "field '" + path
                        + "' contains an unpaired UTF-16 surrogate \\u" + Integer.toHexString(c) + " at index " + i);
            }
        }
        return text;
    }

    private Object readEnum(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (!node.isTextual()) {
            throw wrongType(path, "enum " + s.getName() + " symbol", node);
        }
        String symbol = node.textValue();
        if (!s.hasEnumSymbol(symbol)) {
            if (s.getEnumDefault() == null) {
                throw invalid(path, node, "is not a symbol of " + s.getName() + " " + s.getEnumSymbols());
            }
            symbol = s.getEnumDefault();
        }
        return model.createEnum(symbol, s);
    }

    private long readIntegral(JsonNode node, String path, String type, long min, long max) throws DecodeFailure {
        if (!node.isNumber()) {
            throw wrongType(path, type, node);
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            long value = node.longValue();
            if (value < min || value > max) {
                throw wrongType(path, type + " (out of range)", node);
            }
            return value;
        }
        if (node.isIntegralNumber()) {
            throw wrongType(path, type + " (out of range)", node);
        }
        // Floats are parsed as BigDecimal, so "5.0" is exact and 5.0000000000000001 is still fractional.
        BigDecimal decimal = node.decimalValue();
        if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
            throw wrongType(path, type + " (no fraction)", node);
        }
        try {
            long value = decimal.longValueExact();
            if (value < min || value > max) {
                throw wrongType(path, type + " (out of range)", node);
            }
            return value;
        } catch (ArithmeticException e) {
            throw wrongType(path, type + " (out of range)", node);
        }
    }

    private double readFloating(JsonNode node, String path, String type, double max) throws DecodeFailure {
        if (!node.isNumber()) {
            throw wrongType(path, type, node);
        }
        double value = node.doubleValue();
        if (Double.isNaN(value) || Math.abs(value) > max) {
            throw wrongType(path, type + " (out of range)", node);
        }
        return value;
    }

    private List<Object> readArray(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (!node.isArray()) {
            throw wrongType(path, "array", node);
        }
        List<Object> items = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            items.add(readElement(s.getElementType(), node.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    private Map<String, Object> readMap(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (!node.isObject()) {
            throw wrongType(path, "object (map)", node);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String entryPath = path + "[\"" + shown(entry.getKey()) + "\"]";
            map.put(checkText(entry.getKey(), entryPath),
                    readElement(s.getValueType(), entry.getValue(), entryPath));
        }
        return map;
    }

    /** Array items and map values have no default: null is only allowed if the type is nullable. */
    private Object readElement(Schema s, JsonNode node, String path) throws DecodeFailure {
        if (node.isNull() && !acceptsNull(s)) {
            throw wrongType(path, describe(s), node);
        }
        return readValue(s, node, path);
    }

    private byte[] readBase64(JsonNode node, String path, String expected) throws DecodeFailure {
        if (!node.isTextual()) {
            throw wrongType(path, expected, node);
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw invalid(path, node, "is not base64");
        }
    }

    private static boolean isTemporal(LogicalType logical) {
        return logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros
                || logical instanceof LogicalTypes.Date;
    }

    /** Epoch numbers in the type's own unit, or ISO-8601 strings; returns the raw Avro value. */
    private Object readTemporal(Schema s, LogicalType logical, JsonNode node, String path) throws DecodeFailure {
        String expected = logical.getName() + " (epoch number or ISO-8601 string)";
        if (node.isNumber()) {
            return readRaw(s, node, path);
        }
        if (!node.isTextual()) {
            throw wrongType(path, expected, node);
        }
        String text = node.textValue();
        try {
            if (logical instanceof LogicalTypes.Date) {
                return (int) LocalDate.parse(text).toEpochDay();
            }
            Instant instant = IsoInstants.parse(text);
            if (logical instanceof LogicalTypes.TimestampMillis) {
                return instant.toEpochMilli();
            }
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw wrongType(path, expected, node);
        }
    }

    private static boolean acceptsNull(Schema s) {
        if (s.getType() == Schema.Type.NULL) {
            return true;
        }
        if (s.getType() == Schema.Type.UNION) {
            for (Schema branch : s.getTypes()) {
                if (branch.getType() == Schema.Type.NULL) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(Schema s) {
        if (s.getLogicalType() != null) {
            return s.getLogicalType().getName();
        }
        switch (s.getType()) {
            case UNION: {
                List<String> names = new ArrayList<>();
                for (Schema branch : s.getTypes()) {
                    names.add(describe(branch));
                }
                return String.join(" or ", names);
            }
            case RECORD:
            case ENUM:
            case FIXED:
                return s.getName();
            default:
                return s.getType().getName();
        }
    }

    private static DecodeFailure wrongType(String path, String expected, JsonNode actual) {
        return new DecodeFailure(RejectReason.WRONG_TYPE,
                "field '" + path + "': expected " + expected + ", got " + describeNode(actual));
    }

    private static DecodeFailure invalid(String path, JsonNode value, String rule) {
        return new DecodeFailure(RejectReason.INVALID_VALUE, "field '" + path + "' = " + describeNode(value) + " " + rule);
    }

    static String describeNode(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        switch (type) {
            case STRING:
                return "string \"" + shown(node.textValue()) + "\"";
            case NUMBER:
                return "number " + shown(node.asText());
            case BOOLEAN:
                return "boolean " + node.booleanValue();
            case NULL:
                return "null";
            case OBJECT:
                return "object";
            case ARRAY:
                return "array";
            default:
                return type.name().toLowerCase();
        }
    }

    private static String shown(String text) {
        return text.length() <= MAX_SHOWN_CHARS ? text : text.substring(0, MAX_SHOWN_CHARS) + "…(" + text.length() + " chars)";
    }
}
