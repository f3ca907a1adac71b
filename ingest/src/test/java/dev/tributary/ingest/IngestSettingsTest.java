package dev.tributary.ingest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestSettingsTest {

    private static final Map<String, String> ENV = Map.of("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
            "TRIBUTARY_INGEST_API_KEYS", "0123456789abcdef0123");

    @Test
    void argumentsOverrideTheDefaults() {
        IngestSettings settings = IngestSettings.from(ENV, new String[] {"--port", "9000", "--max-records", "50",
                "--topic", "hoverboard=it.hoverboard"});

        assertThat(settings.port()).isEqualTo(9000);
        assertThat(settings.maxRecords()).isEqualTo(50);
        assertThat(EventRoute.telemetry(settings.topics()).get("hoverboard").topic()).isEqualTo("it.hoverboard");
        assertThat(EventRoute.telemetry(settings.topics()).get("trip").topic()).isEqualTo("telemetry.trip");
    }

    @Test
    void aBadSettingFailsBeforeStartNamingIt() {
        assertThatThrownBy(() -> IngestSettings.from(ENV, new String[] {"--max-records", "0"})).hasMessageContaining("--max-records");
        assertThatThrownBy(() -> IngestSettings.from(ENV, new String[] {"--port", "http"})).hasMessageContaining("--port");
        assertThatThrownBy(() -> IngestSettings.from(ENV, new String[] {"--topic", "boat=x"})).hasMessageContaining("boat");
        assertThatThrownBy(() -> IngestSettings.from(ENV, new String[] {"--verbose"})).hasMessageContaining("--verbose");
        assertThatThrownBy(() -> IngestSettings.from(Map.of("TRIBUTARY_INGEST_API_KEYS", "0123456789abcdef0123"), new String[0]))
                .hasMessageContaining("TRIBUTARY_KAFKA_BOOTSTRAP");
    }
}
