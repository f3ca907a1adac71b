package dev.tributary.operators.codec;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Rejects text no sink can store, whichever format it came in: a NUL character (PostgreSQL/Redshift text
 * refuses it and one such row fails a whole sink batch) or an unpaired UTF-16 surrogate (Avro writes it as
 * '?', so the stored text would differ from what was sent).
 */
final class TextFieldsCheck implements RecordValidator<IndexedRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public Optional<Violation> validate(IndexedRecord record) {
        return checkRecord(record, "");
    }

    private static Optional<Violation> checkRecord(IndexedRecord record, String path) {
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            if (cannotHoldText(value)) {
                continue;
            }
            Optional<Violation> v = check(value, path.isEmpty() ? field.name() : path + "." + field.name());
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /**
     * Numbers, booleans, timestamps and enum symbols, tested with class checks first. This runs for every field
     * of every record: testing each number against the interfaces below (CharSequence, Collection, Map) made the
     * JVM's one-entry interface-check cache of {@code Double}/{@code Long} thrash between decoder threads, and
     * that was a third of the decode operator's time (JDK-8180450, fixed only in JDK 23).
     */
    private static boolean cannotHoldText(Object value) {
        return value == null || value instanceof Number || value instanceof Boolean || value instanceof Instant
                || value instanceof Enum<?> || value instanceof GenericData.EnumSymbol || value instanceof ByteBuffer;
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
}
