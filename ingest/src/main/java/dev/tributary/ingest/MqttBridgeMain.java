package dev.tributary.ingest;

/** Runs the MQTT bridge until the process is stopped. Usage: see bin/mqtt-bridge. */
public final class MqttBridgeMain {

    private MqttBridgeMain() {}

    public static void main(String[] args) throws Exception {
        MqttBridgeSettings settings;
        try {
            settings = MqttBridgeSettings.from(System.getenv(), args);
        } catch (IllegalArgumentException e) {
            System.err.println("mqtt-bridge: " + e.getMessage());
            System.exit(2);
            return;
        }
        MqttBridge bridge = MqttBridge.start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "mqtt-bridge-shutdown"));
        Thread.currentThread().join();
    }
}
