package dev.tributary.tools.demo;

import dev.tributary.events.Customer;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.Trip;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds the demo: hoverboard readings, customers, trips and occurrence records, as JSON and as Avro, with a
 * few malformed records on purpose so the dead-letter topic has something to show.
 *
 * <p>Producers partition by a consistent hash of the entity id: the record key is the id (for trips the
 * {@code hoverboardId/customerId} pair), and Kafka's default partitioner hashes the key. That is the contract
 * that keeps each id's records in order.
 *
 * <p>Telemetry behaves like a real fleet, so the telemetry flow has something to do: many devices (200 by
 * default), about 3 % of readings delayed behind their device's next one (reordering), 2 % sent twice
 * (duplicates), 0.5 % of seqs never sent (gaps, reported as SEQUENCE_GAP alerts), batteries that run down
 * (LOW_BATTERY) and every seventh device reporting the same error code three readings in a row now and then
 * (FAILURE_PATTERN).
 *
 * <p>Usage: {@code DemoFeeder [--bootstrap host:port] [--rate records-per-second] [--seconds n] [--devices n]}
 */
public final class DemoFeeder {

    /** Species with their kingdom, as an occurrence record carries them. */
    private static final String[][] SPECIES = {{"Puma concolor", "Animalia"}, {"Quercus robur", "Plantae"},
            {"Amanita muscaria", "Fungi"}, {"Macrocystis pyrifera", "Chromista"}, {"Delphinus delphis", "Animalia"},
            {"Bufo bufo", "Animalia"}, {"Pinus sylvestris", "Plantae"}, {"Escherichia coli", "Bacteria"}};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SOURCES = List.of("gbif", "obis", "idigbio");

    private final KafkaProducer<byte[], byte[]> producer;
    private final Random random = new Random(42);
    private final long[] seqPerDevice;
    /** A reading held back per device, sent after the device's next reading (reordering on purpose). */
    private final HoverboardReading[] heldBack;
    private long sent;

    private DemoFeeder(String bootstrap, int devices) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("acks", "all");
        props.put("linger.ms", "20");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.seqPerDevice = new long[devices];
        this.heldBack = new HoverboardReading[devices];
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = "127.0.0.1:9092";
        int rate = 20;
        long seconds = Long.MAX_VALUE;
        int devices = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[i + 1];
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                case "--devices" -> devices = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: DemoFeeder [--bootstrap host:port] [--rate n] [--seconds n] [--devices n]");
            }
        }
        DemoFeeder feeder = new DemoFeeder(bootstrap, devices);
        int perTick = rate;
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicLong tick = new AtomicLong();
        ticks.scheduleAtFixedRate(() -> {
            try {
                long t = tick.getAndIncrement();
                for (int i = 0; i < perTick; i++) {
                    feeder.sendOne(t * perTick + i);
                }
                feeder.producer.flush();
                if (t % 10 == 0) {
                    System.out.printf(Locale.ROOT, "demo feeder: %d records sent%n", feeder.sent);
                }
            } catch (Exception e) {
                e.printStackTrace();
                finished.countDown();
            }
        }, 0, 1, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticks.shutdownNow();
            feeder.producer.close(Duration.ofSeconds(5));
        }));
        if (seconds == Long.MAX_VALUE) {
            finished.await();
        } else {
            finished.await(seconds, TimeUnit.SECONDS);
        }
        ticks.shutdownNow();
        ticks.awaitTermination(10, TimeUnit.SECONDS);
        feeder.producer.close();
    }

    private void sendOne(long n) throws IOException {
        Instant now = Instant.now();
        int kind = (int) (n % 10);
        if (n % 97 == 13) {
            send("telemetry.hoverboard", "device-bad", "{\"deviceId\": \"device-7\", \"seq\": ".getBytes(StandardCharsets.UTF_8));
        } else if (kind < 6) {
            int d = random.nextInt(seqPerDevice.length);
            if (random.nextInt(200) == 0) {
                seqPerDevice[d]++; // a gap: this seq is never sent
            }
            long seq = seqPerDevice[d]++;
            HoverboardReading r = HoverboardReading.newBuilder()
                    .setDeviceId("device-" + d).setSeq(seq).setEventTime(now)
                    .setBatteryPct(Math.max(0, 100 - seq % 100 - random.nextInt(5)))
                    .setTemperatureC(20 + random.nextGaussian() * 8).setSpeedKmh(random.nextDouble() * 20)
                    .setLatitude(52.37 + random.nextDouble() / 10).setLongitude(4.89 + random.nextDouble() / 10)
                    .setErrorCode(d % 7 == 0 && seq % 50 >= 10 && seq % 50 <= 12 ? "E42" : null)
                    .build();
            byte[] value = n % 2 == 0 ? AvroEventSerializer.encode(r) : json(r);
            if (heldBack[d] == null && random.nextInt(100) < 3) {
                heldBack[d] = r; // sent after this device's next reading
                return;
            }
            send("telemetry.hoverboard", r.getDeviceId(), value);
            if (random.nextInt(100) < 2) {
                send("telemetry.hoverboard", r.getDeviceId(), value); // a duplicate
            }
            if (heldBack[d] != null) {
                send("telemetry.hoverboard", r.getDeviceId(), AvroEventSerializer.encode(heldBack[d]));
                heldBack[d] = null;
            }
        } else if (kind == 6) {
            String id = "customer-" + random.nextInt(50);
            Customer c = Customer.newBuilder().setCustomerId(id).setName("Customer " + id.substring(9))
                    .setTier(random.nextBoolean() ? "gold" : "standard").setVersion(n).setUpdatedAt(now).build();
            send("telemetry.customer", id, AvroEventSerializer.encode(c));
        } else if (kind == 7) {
            Trip t = Trip.newBuilder().setTripId("trip-" + n).setHoverboardId("device-" + random.nextInt(seqPerDevice.length))
                    .setCustomerId("customer-" + random.nextInt(50)).setStartedAt(now).setVersion(1).build();
            send("telemetry.trip", t.getHoverboardId() + "/" + t.getCustomerId(), json(t));
        } else {
            String source = SOURCES.get(random.nextInt(SOURCES.size()));
            String[] taxon = SPECIES[random.nextInt(SPECIES.length)];
            String species = taxon[0];
            Observation o = Observation.newBuilder().setOccurrenceId(source + "-" + n).setSource(source)
                    .setKingdom(taxon[1])
                    .setScientificName(species).setSpecies(species).setEventTime(now)
                    .setLatitude(-60 + random.nextDouble() * 120).setLongitude(-180 + random.nextDouble() * 360).build();
            send("observations." + source, o.getOccurrenceId(), AvroEventSerializer.encode(o));
        }
    }

    private void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
        sent++;
    }

    /** Plain JSON as a producer without Avro would write it: timestamps as ISO-8601, nulls left out. */
    private static byte[] json(SpecificRecordBase record) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Schema.Field f : record.getSchema().getFields()) {
            Object v = record.get(f.pos());
            if (v instanceof Instant instant) {
                fields.put(f.name(), instant.toString());
            } else if (v != null) {
                fields.put(f.name(), v instanceof CharSequence || v instanceof Number || v instanceof Boolean
                        || v instanceof List<?> ? v : v.toString());
            }
        }
        return JSON.writeValueAsBytes(fields);
    }
}
