package dev.tributary.operators.codec;

import java.util.Objects;

/**
 * The outcome of decoding one payload: a record, or the reason it was rejected. Bad input is a value, not an
 * exception, so a poison record can never fail the job.
 */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Rejected {

    static <T> Decoded<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> Decoded<T> rejected(String reasonCode, String reason) {
        return new Rejected<>(reasonCode, reason);
    }

    record Ok<T>(T value) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
        }
    }

    /** @param reasonCode one of the {@link RejectReason} constants */
    record Rejected<T>(String reasonCode, String reason) implements Decoded<T> {
        public Rejected {
            Objects.requireNonNull(reasonCode, "reasonCode");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
