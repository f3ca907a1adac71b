package dev.tributary.operators.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Utf8InternerTest {

    @Test
    void givesWhatStringWouldForAnyBytesIncludingMalformedOnes() {
        Utf8Interner interner = new Utf8Interner(16); // few slots: many replacements and collisions
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            byte[] bytes = new byte[4 + random.nextInt(80)];
            int from = random.nextInt(4);
            int length = random.nextInt(bytes.length - from + 1);
            if (random.nextBoolean()) {
                random.nextBytes(bytes); // mostly malformed UTF-8
            } else {
                for (int j = 0; j < bytes.length; j++) {
                    bytes[j] = (byte) ('a' + random.nextInt(3)); // few distinct values: hits
                }
            }
            assertThat(interner.intern(bytes, from, length))
                    .isEqualTo(new String(bytes, from, length, StandardCharsets.UTF_8));
        }
    }

    @Test
    void returnsTheSameInstanceForTheSameBytesWhereverTheyAre() {
        Utf8Interner interner = new Utf8Interner();
        byte[] first = "..device-42..".getBytes(StandardCharsets.UTF_8);
        byte[] second = "device-42".getBytes(StandardCharsets.UTF_8);
        String id = interner.intern(first, 2, 9);
        assertThat(id).isEqualTo("device-42");
        assertThat(interner.intern(second, 0, 9)).isSameAs(id);
        // the table keeps its own copy of the bytes: changing the caller's buffer changes nothing
        first[2] = 'X';
        assertThat(interner.intern(second, 0, 9)).isSameAs(id).isEqualTo("device-42");
    }

    @Test
    void aSequenceThatTakesASlotReplacesTheOneBefore() {
        Utf8Interner interner = new Utf8Interner(1); // one slot: every new sequence replaces the last
        String a = interner.intern(bytes("a"), 0, 1);
        String b = interner.intern(bytes("b"), 0, 1);
        assertThat(interner.intern(bytes("b"), 0, 1)).isSameAs(b);
        assertThat(interner.intern(bytes("a"), 0, 1)).isEqualTo(a).isNotSameAs(a);
    }

    @Test
    void longSequencesAreDecodedWithoutTheTable() {
        Utf8Interner interner = new Utf8Interner();
        byte[] text = "x".repeat(Utf8Interner.MAX_LENGTH + 1).getBytes(StandardCharsets.UTF_8);
        String first = interner.intern(text, 0, text.length);
        assertThat(first).hasSize(Utf8Interner.MAX_LENGTH + 1);
        assertThat(interner.intern(text, 0, text.length)).isEqualTo(first).isNotSameAs(first);
        assertThat(interner.intern(text, 0, 0)).isEmpty();
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new Utf8Interner(12)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new Utf8Interner(0)).hasMessageContaining("power of two");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
