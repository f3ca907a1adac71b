package dev.tributary.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    private static final String KEY = "0123456789abcdef0123";

    @Test
    void acceptsOnlyAConfiguredKeyFromEitherHeader() {
        ApiKeys keys = ApiKeys.of(List.of(KEY));

        assertThat(keys.accepts(ApiKeys.presented("Bearer " + KEY, null))).isTrue();
        assertThat(keys.accepts(ApiKeys.presented("bearer " + KEY, null))).isTrue();
        assertThat(keys.accepts(ApiKeys.presented(null, KEY))).isTrue();
        assertThat(keys.accepts(ApiKeys.presented("Bearer " + KEY + "x", null))).isFalse();
        assertThat(keys.accepts(ApiKeys.presented("Basic " + KEY, null))).isFalse();
        assertThat(keys.accepts(ApiKeys.presented(null, null))).isFalse();
    }

    @Test
    void readsTheEnvironmentAndAFileAndNeverShowsAKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# the field team\nfedcba9876543210fedc\n\n");

        ApiKeys keys = ApiKeys.fromEnvironment(Map.of("TRIBUTARY_INGEST_API_KEYS", KEY + " , ",
                "TRIBUTARY_INGEST_API_KEYS_FILE", file.toString()));

        assertThat(keys.accepts(KEY)).isTrue();
        assertThat(keys.accepts("fedcba9876543210fedc")).isTrue();
        assertThat(keys.toString()).isEqualTo("2 API key(s)").doesNotContain(KEY);
    }

    @Test
    void noKeyOrAShortKeyFailsAtStartNamingTheSetting() {
        assertThatThrownBy(() -> ApiKeys.fromEnvironment(Map.of()))
                .hasMessageContaining("TRIBUTARY_INGEST_API_KEYS");
        assertThatThrownBy(() -> ApiKeys.of(List.of("short")))
                .hasMessageContaining("shorter than 16").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> ApiKeys.fromEnvironment(Map.of("TRIBUTARY_INGEST_API_KEYS_FILE", "/nonexistent/keys")))
                .hasMessageContaining("TRIBUTARY_INGEST_API_KEYS_FILE");
    }
}
