package dev.tributary.pipeline.lake;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Line splitting of landed files: every terminator, and a bound on line length. */
class BoundedLinesTest {

    @Test
    void splitsOnEveryTerminatorLikeBufferedReader() throws Exception {
        assertThat(all("a\nb\r\nc\rd\n\ne", 10)).containsExactly("a", "b", "c", "d", "", "e");
        assertThat(all("", 10)).isEmpty();
        assertThat(all("exactly10!\n", 10)).containsExactly("exactly10!");
    }

    @Test
    void refusesALineAboveTheBoundKeepingItsStart() {
        String line = "x".repeat(5000);
        assertThatThrownBy(() -> all("ok\n" + line + "\n", 4096))
                .isInstanceOfSatisfying(BoundedLines.LineTooLongException.class, e -> {
                    assertThat(e.getMessage()).contains("4096");
                    assertThat(e.start()).hasSize(1024);
                });
    }

    private static List<String> all(String text, int max) throws Exception {
        BoundedLines lines = new BoundedLines(new StringReader(text), max);
        List<String> out = new ArrayList<>();
        for (String l = lines.next(); l != null; l = lines.next()) {
            out.add(l);
        }
        return out;
    }
}
