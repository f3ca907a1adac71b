package dev.tributary.operators.codec;

import java.io.Serializable;
import java.util.Optional;

/**
 * A semantic check of one event type, run after decoding (a well-typed record can still be impossible, e.g.
 * a battery at 130 %). Serializable: it ships with the job graph inside {@link RecordDecoder}.
 */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    /** Empty when the record is acceptable, else the first rule it breaks. */
    Optional<Violation> validate(T record);

    /** Accepts everything. */
    static <T> RecordValidator<T> acceptAll() {
        return record -> Optional.empty();
    }
}
