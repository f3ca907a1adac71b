package dev.tributary.ingest;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.StackEnv;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MQTT bridge between the stack's real Mosquitto and Kafka, run as its own process and killed (SIGKILL) in the
 * middle of a stream: devices publish 6 000 readings at QoS 1, a third before the kill, a third while the bridge is
 * down, a third after it came back. Every reading reaches the topic (at least once: the kill may have left some
 * produced but unacknowledged to the broker, which sends them again), each device's readings in the order
 * published; a bad message is dead-lettered with its reason and MQTT topic.
 */
class MqttBridgeIT {

    private static final int DEVICES = 10;
    private static final int PER_DEVICE = 600;
    private static final String MQTT_URL = System.getenv().getOrDefault("TRIBUTARY_MQTT_URL", "tcp://127.0.0.1:1883");

    @Test
    void nothingIsLostAcrossABridgeKilledMidStream() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.mqtt.hoverboard." + run;
        String dead = "it.mqtt.dead." + run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", StackEnv.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1), new NewTopic(dead, 1, (short) 1))).all().get();
        }
        String prefix = "it/" + run + "/telemetry";
        List<String> args = List.of("--client-id", "it-bridge-" + run, "--topic-prefix", prefix,
                "--topic", "hoverboard=" + topic, "--dead-letter-topic", dead);

        MqttClient device = new MqttClient(MQTT_URL, "it-device-" + run, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        device.connect(options);
        try {
            Process bridge = startBridge(args, run + "-1");
            // the first third goes on being published while the bridge is killed
            java.util.concurrent.CompletableFuture<Void> firstThird = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    publish(device, prefix, 0, PER_DEVICE / 3);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int seenBeforeKill = awaitRecords(topic, seen -> seen.size() >= 300, "the first readings forwarded").size();
            bridge.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: nothing flushed, nothing acknowledged
            firstThird.get(2, TimeUnit.MINUTES);
            assertThat(seenBeforeKill).as("killed mid-stream").isLessThan(DEVICES * PER_DEVICE / 3);

            publish(device, prefix, PER_DEVICE / 3, 2 * PER_DEVICE / 3); // queued by the broker for the bridge's session
            bridge = startBridge(args, run + "-2");
            publish(device, prefix, 2 * PER_DEVICE / 3, PER_DEVICE);
            device.publish(prefix + "/hoverboard/it-bad", new MqttMessage("{\"deviceId\":\"it-bad\",\"seq\":-1}".getBytes(StandardCharsets.UTF_8)));
            try {
                List<ConsumerRecord<byte[], byte[]>> records = awaitRecords(topic,
                        seen -> distinct(seen).size() == DEVICES * PER_DEVICE, "every reading forwarded");
                Map<String, List<Long>> firstSeen = new HashMap<>();
                for (Map.Entry<String, Set<Long>> e : byDevice(records).entrySet()) {
                    firstSeen.put(e.getKey(), new ArrayList<>(e.getValue()));
                }
                List<Long> expected = LongStream.range(0, PER_DEVICE).boxed().toList();
                assertThat(firstSeen).hasSize(DEVICES);
                firstSeen.forEach((d, seqs) -> assertThat(seqs).as("%s: every reading, in the order published", d)
                        .containsExactlyElementsOf(expected));
                System.out.printf("mqtt bridge killed mid-stream (%d records forwarded before): %d records for %d readings"
                        + " (%d sent twice)%n", seenBeforeKill, records.size(), DEVICES * PER_DEVICE, records.size() - DEVICES * PER_DEVICE);

                List<ConsumerRecord<byte[], byte[]>> letters = awaitRecords(dead, seen -> !seen.isEmpty(), "the dead letter");
                DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(letters.get(0).value()));
                assertThat(letter.getReasonCode()).isEqualTo("MISSING_FIELD");
                assertThat(letter.getSourceTopic()).isEqualTo("mqtt:" + prefix + "/hoverboard/it-bad");
                assertThat(letter.getOperator()).isEqualTo("mqtt-bridge");
            } finally {
                bridge.destroy();
                bridge.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            device.disconnect();
            device.close();
        }
    }

    /** The bridge as its own JVM with this test's classpath; returns once it has subscribed. */
    private static Process startBridge(List<String> args, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(new File(System.getProperty("java.home"), "bin/java").getPath(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), MqttBridgeMain.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TRIBUTARY_MQTT_URL", MQTT_URL);
        builder.environment().put("TRIBUTARY_KAFKA_BOOTSTRAP", StackEnv.kafkaBootstrap());
        Process process = builder.start();
        CountDownLatch subscribed = new CountDownLatch(1);
        File log = new File("target/mqtt-bridge-" + name + ".log");
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 java.io.PrintWriter out = new java.io.PrintWriter(log, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.println(line);
                    out.flush();
                    if (line.contains("mqtt-bridge: subscribed")) {
                        subscribed.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }, "bridge-log-" + name);
        pump.setDaemon(true);
        pump.start();
        assertThat(subscribed.await(2, TimeUnit.MINUTES)).as("the bridge subscribed (log: " + log + ")").isTrue();
        return process;
    }

    /** Readings seq from..to-1 of every device, interleaved across devices, QoS 1. */
    private static void publish(MqttClient device, String prefix, int from, int to) throws Exception {
        for (int seq = from; seq < to; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                String id = "mq-" + d;
                String json = String.format("{\"deviceId\":\"%s\",\"seq\":%d,\"eventTime\":%d,\"batteryPct\":70.0,"
                        + "\"temperatureC\":20.0,\"speedKmh\":9.0,\"latitude\":52.5,\"longitude\":13.4}", id, seq,
                        System.currentTimeMillis() - 60_000 + seq);
                MqttMessage message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                device.publish(prefix + "/hoverboard/" + id, message);
            }
        }
    }

    private static Set<String> distinct(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new java.util.HashSet<>();
        byDevice(records).forEach((d, seqs) -> seqs.forEach(s -> out.add(d + "/" + s)));
        return out;
    }

    /** Each device's seqs in the order they first appear in its partition. */
    private static Map<String, Set<Long>> byDevice(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Set<Long>> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                HoverboardReading reading = HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value()));
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(reading.getDeviceId().toString());
                out.computeIfAbsent(reading.getDeviceId().toString(), k -> new LinkedHashSet<>()).add(reading.getSeq());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic, Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                      String what) {
        Properties props = new Properties();
        props.put("bootstrap.servers", StackEnv.kafkaBootstrap());
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!done.test(seen)) {
                assertThat(System.nanoTime()).as("%s: %d records after 3 minutes", what, seen.size()).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
            }
        }
        return seen;
    }
}
