package dev.tributary.operators.codec;

import static org.assertj.core.api.Assertions.assertThat;

/** Unwrapping {@link Decoded} in tests with a readable failure message. */
final class CodecAssertions {

    private CodecAssertions() {}

    static <T> T ok(Decoded<T> decoded) {
        assertThat(decoded).as("decoded").isInstanceOf(Decoded.Ok.class);
        return ((Decoded.Ok<T>) decoded).value();
    }

    static Decoded.Rejected<?> rejected(Decoded<?> decoded, String code) {
        assertThat(decoded).as("decoded").isInstanceOf(Decoded.Rejected.class);
        Decoded.Rejected<?> rejected = (Decoded.Rejected<?>) decoded;
        assertThat(rejected.reasonCode()).as("reason code of: " + rejected.reason()).isEqualTo(code);
        return rejected;
    }
}
