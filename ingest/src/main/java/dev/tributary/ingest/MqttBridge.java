package dev.tributary.ingest;

import dev.tributary.ingest.RequestReader.MediaKind;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.DeadLetters;
import dev.tributary.operators.codec.SingleObjectBytes;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.events.DeadLetter;

import org.apache.avro.message.BinaryMessageEncoder;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries readings that devices publish over MQTT into their Kafka input topic. No maintained MQTT→Kafka bridge is
 * on Maven Central (Kafka Connect's MQTT connectors are proprietary or unmaintained), so this one is small and
 * keeps the same promises as the HTTP endpoint:
 * <ul>
 *   <li>Topic {@code <prefix>/<type>/<id>}, payload one JSON object, a JSON array, or Avro (single-object encoding);
 *       validated with the input topic's contract ({@link RequestReader}), produced idempotently keyed by id.</li>
 *   <li>Nothing lost: QoS 1 with a persistent session (clean session off, a fixed client id), and a message is
 *       acknowledged to the broker only after Kafka acknowledged what it carried. Acknowledgements go out in the
 *       order the messages came (MQTT 3.1.1 asks it). A bridge that dies has its unacknowledged messages
 *       redelivered when it comes back, and the broker queues what devices publish meanwhile.</li>
 *   <li>At least once: a redelivered message may be produced twice; the telemetry flow drops a reading it has seen
 *       (same device and seq).</li>
 *   <li>Bad input: every record refused, and a message on an unknown type, goes to the dead-letter topic with its
 *       reason code and the MQTT topic it came on; the message is then acknowledged.</li>
 *   <li>Kafka down: the bridge keeps the records and sends them again every few seconds, acknowledging nothing;
 *       past {@code maxInFlight} it stops taking messages, and the broker holds the rest.</li>
 * </ul>
 */
public final class MqttBridge implements AutoCloseable, MqttCallbackExtended {

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);
    private static final Duration RESEND_AFTER = Duration.ofSeconds(2);

    private final MqttBridgeSettings settings;
    private final Map<String, EventRoute<?>> routes;
    /** Paho calls messageArrived on one thread, so one reader per type is enough. */
    private final Map<String, RequestReader<?>> readers = new HashMap<>();
    private final KafkaPublisher publisher;
    private final BinaryMessageEncoder<DeadLetter> deadLetterEncoder = DeadLetter.getEncoder();
    private final OrderedAcks acks = new OrderedAcks();
    private final ExecutorService acker = Executors.newSingleThreadExecutor(r -> new Thread(r, "mqtt-bridge-acks"));
    private final ExecutorService subscriber = Executors.newSingleThreadExecutor(r -> new Thread(r, "mqtt-bridge-subscribe"));
    private final ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "mqtt-bridge-resend"));
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();
    private final MqttClient client;

    private MqttBridge(MqttBridgeSettings settings) throws MqttException {
        this.settings = settings;
        this.routes = EventRoute.telemetry(settings.topics());
        ValidatorRegistry validators = ValidatorRegistry.defaults();
        routes.forEach((name, route) -> readers.put(name, new RequestReader<>(route, CodecLimits.DEFAULTS.maxPayloadBytes(),
                1000, CodecLimits.DEFAULTS, validators)));
        // a long admission wait: past maxInFlight the callback thread waits, and the broker holds the messages
        this.publisher = new KafkaPublisher(settings.kafkaClient(), settings.maxInFlight(), Duration.ofDays(1),
                Duration.ofSeconds(60), Duration.ofMinutes(2));
        // the session lives in the broker (clean session off); nothing of it needs to survive in this process
        this.client = new MqttClient(settings.mqttUrl(), settings.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(this);
    }

    /** Connects, subscribes, and forwards until {@link #close()}. */
    public static MqttBridge start(MqttBridgeSettings settings) throws MqttException {
        MqttBridge bridge = new MqttBridge(settings);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(10_000);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        if (settings.mqttUser() != null) {
            options.setUserName(settings.mqttUser());
            options.setPassword(settings.mqttPassword() == null ? new char[0] : settings.mqttPassword().toCharArray());
        }
        bridge.client.connect(options);
        return bridge;
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        // Not on this thread: a persistent session's queued messages arrive before the SUBACK, and they need the
        // callback thread; a subscribe waiting here would wait for ever (seen: the bridge timed out on restart).
        subscriber.execute(() -> {
            try {
                // the persistent session keeps the subscription; subscribing again is harmless and covers a new one
                client.subscribe(settings.subscription(), 1);
                LOG.info("mqtt-bridge: subscribed to {} on {} as {} ({}), forwarding to Kafka at {}", settings.subscription(),
                        serverUri, settings.clientId(), reconnect ? "reconnected" : "connected", settings.bootstrap());
            } catch (MqttException e) {
                LOG.error("mqtt-bridge: cannot subscribe to {} ({}); the next reconnect tries again",
                        settings.subscription(), e.toString());
            }
        });
    }

    @Override
    public void connectionLost(Throwable cause) {
        // the broker redelivers every unacknowledged message of the session: forget the pending ones
        acks.newConnection();
        LOG.warn("mqtt-bridge: connection to {} lost ({}); reconnecting, unacknowledged messages will come again",
                settings.mqttUrl(), cause.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) throws Exception {
        OrderedAcks.Pending pending = acks.arrived(message.getId(), message.getQos());
        byte[] payload = message.getPayload();
        String[] levels = topic.split("/");
        String type = levels.length >= 2 ? levels[levels.length - 2] : "";
        String id = levels.length >= 1 ? levels[levels.length - 1] : "";
        EventRoute<?> route = routes.get(type);
        if (route == null) {
            sendDeadLetters(pending, topic, id, List.of(new Rejection("UNKNOWN_TYPE", "no event type '" + type
                    + "' (topic " + topic + "); known: " + routes.keySet(), payload)));
            return;
        }
        List<ParsedRecord> parsed;
        try {
            parsed = readers.get(type).read(kindOf(payload), payload);
        } catch (RequestRejected e) {
            sendDeadLetters(pending, topic, id, List.of(new Rejection(e.code(), e.getMessage(), payload)));
            return;
        }
        List<ParsedRecord.Valid> valid = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (ParsedRecord record : parsed) {
            if (record instanceof ParsedRecord.Valid v) {
                valid.add(v);
            } else {
                ParsedRecord.Invalid bad = (ParsedRecord.Invalid) record;
                rejected.add(new Rejection(bad.code(), bad.reason() + " (record " + bad.index() + " of the message on "
                        + topic + ")", payload));
            }
        }
        acks.expect(pending, rejected.isEmpty() ? 1 : 2);
        if (!rejected.isEmpty()) {
            sendDeadLetters(pending, topic, id, rejected);
        }
        if (valid.isEmpty()) {
            done(pending);
        } else {
            send(pending, route.topic(), valid, () -> forwarded.addAndGet(valid.size()));
        }
    }

    private void sendDeadLetters(OrderedAcks.Pending pending, String topic, String id, List<Rejection> rejections)
            throws InterruptedException {
        List<ParsedRecord.Valid> letters = new ArrayList<>();
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        for (Rejection r : rejections) {
            DeadLetter letter = DeadLetters.of("ingest", "mqtt-bridge", r.code(), r.reason(),
                    new DeadLetters.Source("mqtt:" + topic, null, null, Instant.now().toEpochMilli(), key), r.payload());
            letters.add(new ParsedRecord.Valid(letters.size(), id, SingleObjectBytes.encode(deadLetterEncoder, letter)));
            LOG.info("mqtt-bridge: dead letter for a message on {}: {} {}", topic, r.code(), DeadLetters.cut(r.reason()));
        }
        send(pending, settings.deadLetterTopic(), letters, () -> deadLettered.addAndGet(letters.size()));
    }

    /** Sends the records; once Kafka took them all, counts one part of the message done; else sends again later. */
    private void send(OrderedAcks.Pending pending, String topic, List<ParsedRecord.Valid> records, Runnable onSuccess)
            throws InterruptedException {
        Optional<KafkaPublisher.Acks> admitted = publisher.trySend(topic, records, answered -> {
            List<ParsedRecord.Valid> failed = new ArrayList<>();
            Exception cause = null;
            for (int i = 0; i < records.size(); i++) {
                if (answered.error(i) != null) {
                    failed.add(records.get(i));
                    cause = answered.error(i);
                }
            }
            if (failed.isEmpty()) {
                onSuccess.run();
                done(pending);
                return;
            }
            resent.addAndGet(failed.size());
            LOG.warn("mqtt-bridge: Kafka did not take {} record(s) for {} ({}); sending them again in {}", failed.size(),
                    topic, cause, RESEND_AFTER);
            resender.schedule(() -> {
                try {
                    send(pending, topic, failed, onSuccess);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, RESEND_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        });
        if (admitted.isEmpty()) {
            throw new IllegalStateException("Kafka's in-flight bound was not freed within a day");
        }
    }

    private void done(OrderedAcks.Pending pending) {
        acker.execute(() -> {
            for (OrderedAcks.Pending ready : acks.partDone(pending)) {
                try {
                    client.messageArrivedComplete(ready.id, ready.qos);
                } catch (MqttException e) {
                    // the connection went: the broker redelivers it
                    LOG.warn("mqtt-bridge: could not acknowledge message {} ({}); the broker will send it again", ready.id, e.toString());
                }
            }
        });
    }

    private static MediaKind kindOf(byte[] payload) {
        for (byte b : payload) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            return b == '{' || b == '[' ? MediaKind.JSON : MediaKind.AVRO;
        }
        return MediaKind.JSON;
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // the bridge publishes nothing
    }

    /** Counts since start: records forwarded, dead letters written, records sent again after a Kafka failure. */
    public String counts() {
        return "forwarded " + forwarded.get() + ", dead-lettered " + deadLettered.get() + ", sent again " + resent.get();
    }

    /** Stops taking messages, lets Kafka answer what was sent (at most 30 s) and acknowledges it, then disconnects. */
    @Override
    public void close() {
        try {
            client.unsubscribe(settings.subscription());
        } catch (MqttException e) {
            LOG.warn("mqtt-bridge: unsubscribe failed ({})", e.toString());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acks.pending() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        acker.shutdown();
        try {
            acker.awaitTermination(5, TimeUnit.SECONDS);
            // a closed session keeps its subscription in the broker: resubscribe-free restarts
            client.disconnect(5_000);
            client.close();
        } catch (MqttException | InterruptedException e) {
            LOG.warn("mqtt-bridge: disconnect failed ({})", e.toString());
        }
        resender.shutdownNow();
        subscriber.shutdownNow();
        publisher.close();
        LOG.info("mqtt-bridge: stopped; {}", counts());
    }

    private record Rejection(String code, String reason, byte[] payload) {}

    /**
     * Messages in the order they arrived, each acknowledged once all its parts are done and every earlier one was
     * acknowledged. A lost connection starts a new generation: the old one's messages come again, so they are
     * never acknowledged on the new connection.
     */
    static final class OrderedAcks {
        private final ArrayDeque<Pending> queue = new ArrayDeque<>();
        private int generation;

        static final class Pending {
            final int id;
            final int qos;
            final int generation;
            int parts = 1;
            int done;

            Pending(int id, int qos, int generation) {
                this.id = id;
                this.qos = qos;
                this.generation = generation;
            }
        }

        /** The message is done after this many parts (its records, its dead letters), not one. */
        synchronized void expect(Pending p, int parts) {
            p.parts = parts;
        }

        synchronized Pending arrived(int id, int qos) {
            Pending p = new Pending(id, qos, generation);
            queue.add(p);
            return p;
        }

        /** Marks one part of the message done; returns the messages now ready to acknowledge, in order. */
        synchronized List<Pending> partDone(Pending p) {
            if (p.generation != generation) {
                return List.of();
            }
            p.done++;
            List<Pending> ready = new ArrayList<>();
            while (!queue.isEmpty() && queue.peek().done >= queue.peek().parts) {
                ready.add(queue.poll());
            }
            return ready;
        }

        synchronized void newConnection() {
            generation++;
            queue.clear();
        }

        synchronized int pending() {
            return queue.size();
        }
    }
}
