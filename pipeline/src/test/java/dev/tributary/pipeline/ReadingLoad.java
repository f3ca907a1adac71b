package dev.tributary.pipeline;

import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.flows.AssetsFlowIT;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A steady stream of hoverboard readings into the real broker while faults happen: {@code rate} readings a
 * second, round-robin over {@code devices} devices, each device's readings in seq order (keyed by device and
 * sent by an idempotent producer, so a broker restart neither reorders nor doubles them). With each reading goes
 * one biodiversity observation (occurrence id {@link #occurrenceId}) to the observations topic, so a second flow
 * is under the same faults. Only readings acknowledged together with their observation count as sent; each is
 * tagged with the phase (fault) during which it was sent. Every 40th reading of a device overheats, so the alert
 * rules have something to say. With {@link #announcingAssets} it also announces an asset with every
 * {@value #READINGS_PER_ASSET}th reading, each a distinct id and file, every {@value #ANNOUNCED_TWICE}rd one twice
 * (the flow must drop the repeat), so the assets flow is under the same faults.
 */
final class ReadingLoad implements AutoCloseable {

    /** A reading the broker acknowledged, and the phase it was sent in. */
    record Sent(String device, long seq, Instant eventTime, String phase) {}

    /**
     * An asset whose announcements the broker acknowledged, the file it points at, how many records announced it,
     * and the phase it was sent in.
     */
    record Announced(String assetId, String path, int sends, String phase) {}

    /** How many readings were acknowledged so far, and each device's highest acknowledged seq. */
    record Snapshot(int count, Map<String, Long> lastSeqs) {}

    private final String topic;
    private final String observationsTopic;
    private final int devices;
    private final int rate;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "reading-load");
        t.setDaemon(true);
        return t;
    });
    private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> lastSeqs = new ConcurrentHashMap<>();
    private final List<Announced> announced = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private String assetsTopic;
    private String assetsRun;
    private UnaryOperator<String> assetUrl;
    private volatile String phase = "before";
    private long next;

    ReadingLoad(String topic, String observationsTopic, int devices, int rate) {
        this.topic = topic;
        this.observationsTopic = observationsTopic;
        this.devices = devices;
        this.rate = rate;
        Properties props = KafkaTestSupport.producerProperties();
        props.put("linger.ms", "5");
        // a broker restart must delay sends, never fail them: the count of readings in must stay exact
        props.put("delivery.timeout.ms", "300000");
        props.put("max.block.ms", "300000");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The occurrence id of the observation sent with a device's reading. */
    static String occurrenceId(String device, long seq) {
        return "occ-" + device + "-" + seq;
    }

    static boolean overheats(long seq) {
        return seq % 40 == 20;
    }

    static final int READINGS_PER_ASSET = 10;
    static final int ANNOUNCED_TWICE = 3;

    /**
     * Before {@link #start()}: also announce assets to the topic, files named after {@code run} (so each run's
     * blobs are its own), at the URL {@code url} gives for a path of the asset server.
     */
    ReadingLoad announcingAssets(String topic, String run, UnaryOperator<String> url) {
        this.assetsTopic = topic;
        this.assetsRun = run;
        this.assetUrl = url;
        return this;
    }

    /** Sends a tenth of the rate every 100 ms until {@link #stop()}. */
    void start() {
        int perTick = Math.max(1, rate / 10);
        ticker.scheduleAtFixedRate(() -> {
            try {
                for (int i = 0; i < perTick; i++) {
                    sendNext();
                }
            } catch (RuntimeException e) {
                // an exception would end the schedule silently: remember it, stop() reports it
                failure.compareAndSet(null, e);
                throw e;
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Readings sent from now on belong to this phase. */
    void phase(String name) {
        this.phase = name;
    }

    Snapshot snapshot() {
        return new Snapshot(sent.size(), Map.copyOf(lastSeqs));
    }

    /** Stops sending, waits until every reading handed to the producer is acknowledged, fails if one was not. */
    void stop() throws Exception {
        ticker.shutdown();
        if (!ticker.awaitTermination(1, TimeUnit.MINUTES)) {
            throw new AssertionError("the load did not stop");
        }
        producer.flush();
        if (failure.get() != null) {
            throw new AssertionError("a reading could not be sent or was not acknowledged by the broker", failure.get());
        }
    }

    /** Every asset whose announcements were all acknowledged, after {@link #stop()}. */
    List<Announced> announced() {
        synchronized (announced) {
            return List.copyOf(announced);
        }
    }

    /** Every acknowledged reading, after {@link #stop()}. */
    List<Sent> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        producer.close();
    }

    private void sendNext() {
        if (assetsTopic != null && next % READINGS_PER_ASSET == 0) {
            announceAsset(next / READINGS_PER_ASSET);
        }
        String device = "device-" + next % devices;
        long seq = next / devices;
        next++;
        String tag = phase;
        HoverboardReading reading = HoverboardReading.newBuilder().setDeviceId(device).setSeq(seq)
                .setEventTime(Instant.now()).setBatteryPct(80).setTemperatureC(overheats(seq) ? 90 : 20).build();
        Observation observation = Observation.newBuilder().setOccurrenceId(occurrenceId(device, seq)).setSource("gbif")
                .setKingdom("Animalia").setScientificName("Puma concolor").setSpecies("Puma concolor")
                .setEventTime(reading.getEventTime()).build();
        // counted once both the reading and its observation are acknowledged
        AtomicInteger pending = new AtomicInteger(2);
        Callback acknowledged = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (pending.decrementAndGet() == 0) {
                sent.add(new Sent(device, seq, reading.getEventTime(), tag));
                lastSeqs.merge(device, seq, Math::max);
            }
        };
        producer.send(new ProducerRecord<>(observationsTopic, observation.getOccurrenceId(),
                AvroEventSerializer.encode(observation)), acknowledged);
        producer.send(new ProducerRecord<>(topic, device, AvroEventSerializer.encode(reading)), acknowledged);
    }

    private void announceAsset(long n) {
        String id = "asset-" + assetsRun + "-" + n;
        String path = n % 2 == 0 ? "/img/" + assetsRun + "-" + n + ".png" : "/img/" + assetsRun + "-" + n + ".jpg";
        String tag = phase;
        byte[] record = AssetsFlowIT.avro(AssetsFlowIT.announcement(id, assetUrl.apply(path),
                path.endsWith(".png") ? "image/png" : "image/jpeg", 1));
        int sends = n % ANNOUNCED_TWICE == 0 ? 2 : 1;
        // counted once every send of the asset is acknowledged
        AtomicInteger pending = new AtomicInteger(sends);
        Callback acknowledged = (metadata, e) -> {
            if (e != null) {
                failure.compareAndSet(null, e);
            } else if (pending.decrementAndGet() == 0) {
                announced.add(new Announced(id, path, sends, tag));
            }
        };
        for (int i = 0; i < sends; i++) {
            producer.send(new ProducerRecord<>(assetsTopic, id, record), acknowledged);
        }
    }
}
