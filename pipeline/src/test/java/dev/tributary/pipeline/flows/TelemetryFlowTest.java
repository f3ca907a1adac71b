package dev.tributary.pipeline.flows;

import dev.tributary.operators.telemetry.AlertThresholds;
import dev.tributary.operators.telemetry.OrderingConfig;
import dev.tributary.operators.telemetry.TripEnrichmentConfig;
import dev.tributary.pipeline.config.InvalidSettingsException;
import dev.tributary.pipeline.config.JobSettings;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryFlowTest {

    @Test
    void defaultSettingsAreTheOperatorsDefaults() {
        JobSettings settings = JobSettings.parse(Map.of(), Map.of());
        assertThat(TelemetryFlow.orderingConfig(settings)).isEqualTo(OrderingConfig.defaults());
        assertThat(TelemetryFlow.enrichmentConfig(settings)).isEqualTo(TripEnrichmentConfig.defaults());
        assertThat(TelemetryFlow.alertThresholds(settings)).isEqualTo(AlertThresholds.defaults());
        assertThat(settings.get(JobSettings.TOPIC_ALERTS)).isEqualTo("telemetry.alerts");
    }

    @Test
    void settingsReachTheOperators() {
        JobSettings settings = JobSettings.parse(Map.of("telemetry.order.max-hold", "30s",
                "telemetry.order.max-buffered", "50", "telemetry.alerts.low-battery-pct", "22.5",
                "telemetry.alerts.silent-after", "2min", "telemetry.enrich.max-wait", "1s"), Map.of());
        assertThat(TelemetryFlow.orderingConfig(settings).maxHold()).isEqualTo(Duration.ofSeconds(30));
        assertThat(TelemetryFlow.orderingConfig(settings).maxBuffered()).isEqualTo(50);
        assertThat(TelemetryFlow.alertThresholds(settings).lowBatteryPct()).isEqualTo(22.5);
        assertThat(TelemetryFlow.alertThresholds(settings).silentAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(TelemetryFlow.enrichmentConfig(settings).maxWait()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void contradictoryBoundsNameTheirSettings() {
        JobSettings settings = JobSettings.parse(Map.of("telemetry.order.max-hold", "2h",
                "telemetry.order.state-ttl", "1h"), Map.of());
        assertThatThrownBy(() -> TelemetryFlow.orderingConfig(settings))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("telemetry.order.*").hasMessageContaining("must exceed maxHold");
        assertThatThrownBy(() -> JobSettings.parse(Map.of("telemetry.alerts.max-temperature-c", "hot"), Map.of()))
                .isInstanceOf(InvalidSettingsException.class).hasMessageContaining("telemetry.alerts.max-temperature-c");
    }
}
