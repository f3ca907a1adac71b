package dev.tributary.operators.codec;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.avro.util.Utf8;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rejects text no sink can store, whichever format it came in: a NUL character (PostgreSQL/Redshift text
 * refuses it and one such row fails a whole sink batch), an unpaired UTF-16 surrogate (Avro writes it as
 * '?', so the stored text would differ from what was sent), or a field longer than its schema's
 * {@code "maxLength"} (in UTF-8 bytes, as Redshift sizes VARCHAR): the schemas give each field the size of the
 * warehouse column it lands in, so a value the decoder accepts fits its column (a test compares the two).
 */
final class TextFieldsCheck implements RecordValidator<IndexedRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public Optional<Violation> validate(IndexedRecord record) {
        return checkRecord(record, "");
    }

    private static Optional<Violation> checkRecord(IndexedRecord record, String path) {
        List<Schema.Field> fields = record.getSchema().getFields();
        int[] positions = textFields(record);
        int[] maxBytes = record instanceof SpecificRecordBase ? MAX_BYTES_BY_CLASS.get(record.getClass())
                : MAX_BYTES_BY_SCHEMA.computeIfAbsent(record.getSchema(), schema -> maxBytesOf(schema, positions));
        for (int i = 0; i < positions.length; i++) {
            Object value = record.get(positions[i]);
            if (value == null) {
                continue;
            }
            String name = fields.get(positions[i]).name();
            Optional<Violation> v = check(value, path.isEmpty() ? name : path + "." + name);
            if (v.isEmpty() && maxBytes[i] > 0 && value instanceof CharSequence text) {
                v = checkSize(text, maxBytes[i], path.isEmpty() ? name : path + "." + name);
            }
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The field's UTF-8 size against its bound: decided from the length alone for most values. */
    private static Optional<Violation> checkSize(CharSequence text, int maxBytes, String path) {
        if ((long) text.length() * 3 <= maxBytes) {
            return Optional.empty(); // a UTF-16 char is at most 3 bytes in UTF-8 (a surrogate pair 4 for two)
        }
        long bytes = text instanceof Utf8 utf8 ? utf8.getByteLength() : utf8Length(text);
        return bytes <= maxBytes ? Optional.empty()
                : Optional.of(Violation.of(path, bytes + " bytes of text", "must be at most " + maxBytes
                        + " bytes (UTF-8), the size of the column it is stored in"));
    }

    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static final ClassValue<int[]> MAX_BYTES_BY_CLASS = new ClassValue<>() {
        @Override
        protected int[] computeValue(Class<?> type) {
            Schema schema = SpecificData.get().getSchema(type);
            return maxBytesOf(schema, textFieldsOf(schema));
        }
    };

    /** Each text field's {@code "maxLength"} property, or 0 where it has none, in the order of {@code positions}. */
    static int[] maxBytesOf(Schema record, int[] positions) {
        int[] max = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            Object prop = record.getFields().get(positions[i]).getObjectProp("maxLength");
            max[i] = prop instanceof Number n ? n.intValue() : 0;
        }
        return max;
    }

    /**
     * The positions of a record schema's fields that can hold text: strings, and arrays, maps, unions and records
     * that may contain one. Numbers, booleans, timestamps, enums, bytes and fixed are never read, so the check
     * neither boxes every number of every record nor tests it against interfaces (it did both once: a third of
     * the decode step's time, see JDK-8180450 for the interface-check cache that thrashed).
     */
    private static int[] textFields(IndexedRecord record) {
        // a generated class has one schema: look it up by class (cheapest); generic records by their schema
        return record instanceof SpecificRecordBase
                ? TEXT_FIELDS_BY_CLASS.get(record.getClass())
                : TEXT_FIELDS_BY_SCHEMA.computeIfAbsent(record.getSchema(), TextFieldsCheck::textFieldsOf);
    }

    private static final ClassValue<int[]> TEXT_FIELDS_BY_CLASS = new ClassValue<>() {
        @Override
        protected int[] computeValue(Class<?> type) {
            return textFieldsOf(SpecificData.get().getSchema(type));
        }
    };
    private static final Map<Schema, int[]> TEXT_FIELDS_BY_SCHEMA = new ConcurrentHashMap<>();
    private static final Map<Schema, int[]> MAX_BYTES_BY_SCHEMA = new ConcurrentHashMap<>();

    private static int[] textFieldsOf(Schema record) {
        return record.getFields().stream()
                .filter(f -> canHoldText(f.schema(), new HashSet<>()))
                .mapToInt(Schema.Field::pos).toArray();
    }

    static boolean canHoldText(Schema schema, Set<String> visiting) {
        return switch (schema.getType()) {
            case STRING, MAP -> true; // map keys are strings
            case ARRAY -> canHoldText(schema.getElementType(), visiting);
            case UNION -> schema.getTypes().stream().anyMatch(s -> canHoldText(s, visiting));
            // a recursive record: assume text rather than recurse forever
            case RECORD -> !visiting.add(schema.getFullName())
                    || schema.getFields().stream().anyMatch(f -> canHoldText(f.schema(), visiting));
            default -> false; // numbers, boolean, null, enum (fixed symbols), bytes, fixed
        };
    }

    private static Optional<Violation> check(Object value, String path) {
        if (value instanceof String text) {
            return checkText(text, path);
        }
        if (value instanceof CharSequence text) {
            return checkText(text, path);
        }
        if (value instanceof IndexedRecord nested) {
            return checkRecord(nested, path);
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                Optional<Violation> v = check(item, path + "[" + i++ + "]");
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String entryPath = path + "[\"" + entry.getKey() + "\"]";
                Optional<Violation> v = check(entry.getKey(), entryPath);
                if (v.isEmpty()) {
                    v = check(entry.getValue(), entryPath);
                }
                if (v.isPresent()) {
                    return v;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> checkText(CharSequence text, String path) {
        if (text instanceof String string && isPlainText(string)) {
            return Optional.empty(); // the common case, decided without a branch per kind of character
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return Optional.of(Violation.of(path, "text with U+0000 at index " + i, "must not contain NUL characters"));
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of(Violation.of(path, "text with an unpaired surrogate at index " + i, "must be valid Unicode"));
            }
        }
        return Optional.empty();
    }

    /** No NUL and no surrogate at all (so none unpaired): one intrinsic search and one range test per char. */
    private static boolean isPlainText(String text) {
        if (text.indexOf(0) >= 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
