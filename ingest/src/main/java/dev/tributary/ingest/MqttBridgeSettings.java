package dev.tributary.ingest;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Settings of the MQTT bridge, checked before it connects. Where the brokers are and the MQTT credentials come
 * from the environment; the rest may be given as {@code --name value} arguments.
 *
 * @param clientId    the bridge's MQTT client id: its persistent session (and the messages the broker queues for
 *                    it while it is down) belongs to this id, so keep it across restarts
 * @param topicPrefix readings arrive on {@code <prefix>/<type>/<id>}, e.g. {@code tributary/telemetry/hoverboard/hb-1}
 * @param maxInFlight records sent to Kafka and not yet acknowledged; past it the bridge stops taking messages
 */
public record MqttBridgeSettings(String mqttUrl, String mqttUser, String mqttPassword, String clientId, String topicPrefix,
                                 String bootstrap, Map<String, String> topics, String deadLetterTopic, int maxInFlight) {

    public MqttBridgeSettings {
        if (mqttUrl == null || !mqttUrl.matches("(tcp|ssl|ws|wss)://.+")) {
            throw new IllegalArgumentException("TRIBUTARY_MQTT_URL must be tcp://host:port or ssl://host:port, not '" + mqttUrl + "'");
        }
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("TRIBUTARY_KAFKA_BOOTSTRAP is not set (host:port of the Kafka brokers)");
        }
        if (clientId == null || clientId.isBlank() || clientId.length() > 64) {
            throw new IllegalArgumentException("--client-id must be 1 to 64 characters");
        }
        if (topicPrefix == null || topicPrefix.isBlank() || topicPrefix.contains("+") || topicPrefix.contains("#")
                || topicPrefix.endsWith("/")) {
            throw new IllegalArgumentException("--topic-prefix must be a topic without wildcards or a trailing '/', not '" + topicPrefix + "'");
        }
        if (deadLetterTopic == null || deadLetterTopic.isBlank()) {
            throw new IllegalArgumentException("--dead-letter-topic must not be empty");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("--max-in-flight must be positive, not " + maxInFlight);
        }
        topics = Map.copyOf(topics);
        EventRoute.telemetry(topics); // names an unknown type, if any
    }

    /** The subscription: one level for the event type, one for the id. */
    String subscription() {
        return topicPrefix + "/+/+";
    }

    Properties kafkaClient() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("client.id", "tributary-mqtt-bridge");
        return props;
    }

    @Override
    public String toString() {
        return "MqttBridgeSettings[mqtt=" + mqttUrl + ", user=" + mqttUser + ", clientId=" + clientId + ", prefix="
                + topicPrefix + ", kafka=" + bootstrap + ", topics=" + topics + ", deadLetters=" + deadLetterTopic + "]";
    }

    /**
     * From the environment ({@code TRIBUTARY_MQTT_URL}, {@code TRIBUTARY_MQTT_USER}/{@code _PASSWORD} if the broker
     * wants them, {@code TRIBUTARY_KAFKA_BOOTSTRAP}), overridden by {@code --client-id --topic-prefix
     * --dead-letter-topic --max-in-flight} and {@code --topic <type>=<topic>} (repeatable).
     */
    public static MqttBridgeSettings from(Map<String, String> env, String[] args) {
        Arguments a = Arguments.parse(args, List.of("client-id", "topic-prefix", "dead-letter-topic", "max-in-flight"));
        return new MqttBridgeSettings(env.getOrDefault("TRIBUTARY_MQTT_URL", "tcp://127.0.0.1:1883"),
                env.get("TRIBUTARY_MQTT_USER"), env.get("TRIBUTARY_MQTT_PASSWORD"),
                a.get("client-id", "tributary-mqtt-bridge"), a.get("topic-prefix", "tributary/telemetry"),
                env.getOrDefault("TRIBUTARY_KAFKA_BOOTSTRAP", ""), a.topics(),
                a.get("dead-letter-topic", "pipeline.dead-letter"), a.integer("max-in-flight", 10_000));
    }
}
