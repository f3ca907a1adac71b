package dev.tributary.operators.codec;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsoInstantsTest {

    /** What the JDK parsers make of the text, or null when both refuse it. */
    private static Instant jdk(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    @Test
    void theCommonShapesAreReadDirectlyAndAgreeWithTheJdk() {
        for (String text : List.of("2026-11-21T11:59:30Z", "2026-11-21T11:59:30.250Z", "2026-11-21T11:59:30.123456789Z",
                "2026-11-21T13:59:30+02:00", "2026-11-21T06:29:30.5-05:30", "1600-01-01T00:00:00Z", "2024-02-29T23:59:59z",
                "2026-11-21t11:59:30Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999+18:00")) {
            assertThat(IsoInstants.common(text)).as(text).isNotNull().isEqualTo(jdk(text));
        }
    }

    @Test
    void everythingElseIsTheJdksToAcceptOrRefuse() {
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T11:60:00Z",
                "2016-12-31T23:59:60Z", "2026-11-21T11:59:30", "2026-11-21 11:59:30Z", "2026-11-21T11:59:30.Z",
                "2026-11-21T11:59:30.1234567890Z", "2026-11-21T11:59:30+0200", "2026-11-21T11:59:30+02:00:30",
                "+12026-11-21T11:59:30Z", "2026-11-21T11:59:30+19:00", "２０２６-11-21T11:59:30Z", "")) {
            assertThat(IsoInstants.common(text)).as(text).isNull();
            Instant expected = jdk(text);
            if (expected == null) {
                assertThatThrownBy(() -> IsoInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            } else {
                assertThat(IsoInstants.parse(text)).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void agreesWithTheJdkOnAHundredThousandGeneratedTimestamps() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            StringBuilder t = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33), random.nextInt(26), random.nextInt(62), random.nextInt(62)));
            if (random.nextBoolean()) {
                t.append('.').append(String.valueOf(Math.abs(random.nextLong())), 0, 1 + random.nextInt(10));
            }
            switch (random.nextInt(3)) {
                case 0 -> t.append('Z');
                case 1 -> t.append(String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(61)));
                default -> { }
            }
            texts.add(t.toString());
        }
        int direct = 0;
        for (String text : texts) {
            Instant fast = IsoInstants.common(text);
            Instant expected = jdk(text);
            if (fast != null) {
                direct++;
                assertThat(fast).as(text).isEqualTo(expected);
            } else if (expected == null) {
                assertThatThrownBy(() -> IsoInstants.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            } else {
                assertThat(IsoInstants.parse(text)).as(text).isEqualTo(expected);
            }
        }
        assertThat(direct).as("timestamps read directly").isGreaterThan(10_000);
    }
}
