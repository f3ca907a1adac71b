package dev.tributary.ingest;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttBridgeSettingsTest {

    private static final Map<String, String> ENV = Map.of("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
            "TRIBUTARY_MQTT_URL", "tcp://127.0.0.1:1883", "TRIBUTARY_MQTT_PASSWORD", "s3cret-pass");

    @Test
    void defaultsAndOverrides() {
        MqttBridgeSettings settings = MqttBridgeSettings.from(ENV, new String[] {"--topic-prefix", "fleet/eu",
                "--topic", "hoverboard=it.readings", "--max-in-flight", "500"});

        assertThat(settings.subscription()).isEqualTo("fleet/eu/+/+");
        assertThat(settings.clientId()).isEqualTo("tributary-mqtt-bridge");
        assertThat(settings.deadLetterTopic()).isEqualTo("pipeline.dead-letter");
        assertThat(settings.maxInFlight()).isEqualTo(500);
        assertThat(EventRoute.telemetry(settings.topics()).get("hoverboard").topic()).isEqualTo("it.readings");
        assertThat(settings.toString()).doesNotContain("s3cret-pass");
    }

    @Test
    void aBadSettingFailsBeforeConnectingNamingIt() {
        assertThatThrownBy(() -> MqttBridgeSettings.from(Map.of("TRIBUTARY_KAFKA_BOOTSTRAP", "k:9092", "TRIBUTARY_MQTT_URL", "mqtt.local"),
                new String[0])).hasMessageContaining("TRIBUTARY_MQTT_URL");
        assertThatThrownBy(() -> MqttBridgeSettings.from(ENV, new String[] {"--topic-prefix", "fleet/#"}))
                .hasMessageContaining("--topic-prefix");
        assertThatThrownBy(() -> MqttBridgeSettings.from(ENV, new String[] {"--max-in-flight", "many"}))
                .hasMessageContaining("--max-in-flight");
        assertThatThrownBy(() -> MqttBridgeSettings.from(ENV, new String[] {"--qos", "2"})).hasMessageContaining("--qos");
        assertThatThrownBy(() -> MqttBridgeSettings.from(Map.of(), new String[0])).hasMessageContaining("TRIBUTARY_KAFKA_BOOTSTRAP");
    }
}
