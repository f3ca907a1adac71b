package dev.tributary.operators.lake;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UploadSidecarTest {

    private static final String ID = "0123456789abcdef0123456789abcdef";
    private static final String SHA = "a".repeat(64);

    @Test
    void roundTripsAndNamesItsAttributes() {
        UploadSidecar s = new UploadSidecar(ID, "field-team", "river counts.csv", List.of("river", "2026"),
                "Counts at the north bridge", SHA, 1234, "text/csv", Instant.parse("2026-12-07T02:00:00Z"));

        assertThat(UploadSidecar.parse(s.toJson())).isEqualTo(s);
        assertThat(s.attributes()).containsEntry("uploadId", ID).containsEntry("tags", "river,2026")
                .containsEntry("description", "Counts at the north bridge").doesNotContainKey("owner");
        assertThat(UploadSidecar.sidecarName("river counts.csv")).isEqualTo("_river counts.csv.meta.json")
                .as("hidden from the landing source").startsWith("_");
    }

    @Test
    void everyBoundIsChecked() {
        assertThat(UploadSidecar.problems(ID, "Field Team", "ok.csv", List.of(), null)).singleElement().asString().contains("owner");
        assertThat(UploadSidecar.problems(ID, "hq", "../etc/passwd", List.of(), null)).singleElement().asString().contains("name");
        assertThat(UploadSidecar.problems(ID, "hq", "_hidden.csv", List.of(), null)).singleElement().asString().contains("name");
        assertThat(UploadSidecar.problems(ID, "hq", "ok.csv", Collections.nCopies(21, "t"), null)).singleElement().asString().contains("tags");
        assertThat(UploadSidecar.problems(ID, "hq", "ok.csv", List.of("no spaces"), null)).singleElement().asString().contains("tag");
        assertThat(UploadSidecar.problems(ID, "hq", "ok.csv", List.of(), "x".repeat(2001))).singleElement().asString().contains("description");
        assertThat(UploadSidecar.problems("nope", "hq", "ok.csv", List.of(), null)).singleElement().asString().contains("uploadId");
        assertThatThrownBy(() -> UploadSidecar.parse("{\"owner\":\"hq\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UploadSidecar.parse(new byte[UploadSidecar.MAX_BYTES + 1]))
                .hasMessageContaining("larger");
        assertThatThrownBy(() -> UploadSidecar.parse("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
