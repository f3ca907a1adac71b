package dev.tributary.tools.topic;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.Alert;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.Customer;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;
import dev.tributary.events.Trip;
import dev.tributary.operators.codec.DeadLetterJson;
import dev.tributary.operators.codec.SchemaHistory;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Prints a topic's committed records as one JSON line each (Avro single-object encoded events decoded by their
 * fingerprint, dead letters with their reason), for people watching the demo or debugging a flow:
 * {@code TopicTail <topic> [--bootstrap host:port] [--max n]}. Reads from the beginning, read_committed.
 */
public final class TopicTail {

    private static final List<Schema> KNOWN = List.of(AssetAnnounced.getClassSchema(), AssetRequest.getClassSchema(),
            AssetStatus.getClassSchema(), AssetBroadcast.getClassSchema(), AssetDelivery.getClassSchema(),
            HoverboardReading.getClassSchema(), Customer.getClassSchema(), Trip.getClassSchema(),
            Alert.getClassSchema(), Observation.getClassSchema(), ObservationCount.getClassSchema(),
            CatalogEntry.getClassSchema(), DeadLetter.getClassSchema());

    private TopicTail() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: TopicTail <topic> [--bootstrap host:port] [--max n]");
            System.exit(2);
        }
        String topic = args[0];
        String bootstrap = "127.0.0.1:9092";
        long max = 20;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bootstrap" -> bootstrap = args[i + 1];
                case "--max" -> max = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<Long, Schema> byFingerprint = knownSchemas();

        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long printed = 0;
            int idlePolls = 0;
            while (printed < max && idlePolls < 3) {
                var records = consumer.poll(Duration.ofSeconds(1));
                idlePolls = records.isEmpty() ? idlePolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (printed++ >= max) {
                        break;
                    }
                    System.out.println(render(r.value(), byFingerprint));
                }
            }
        }
    }

    /** The current schemas and every older version in the schema history, by fingerprint. */
    static Map<Long, Schema> knownSchemas() {
        Map<Long, Schema> byFingerprint = new HashMap<>();
        SchemaHistory history = SchemaHistory.fromClasspath(TopicTail.class.getClassLoader());
        for (Schema current : KNOWN) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(current), current);
            history.versionsOf(current.getFullName()).forEach(old -> byFingerprint.put(SchemaNormalization.parsingFingerprint64(old), old));
        }
        return byFingerprint;
    }

    static String render(byte[] value, Map<Long, Schema> byFingerprint) {
        if (value == null) {
            return "null";
        }
        if (value.length < 10 || value[0] != (byte) 0xC3 || value[1] != 0x01) {
            return new String(value, StandardCharsets.UTF_8);
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema schema = byFingerprint.get(fingerprint);
        if (schema == null) {
            return "{\"unknownSchemaFingerprint\": \"" + Long.toHexString(fingerprint) + "\"}";
        }
        try {
            if (schema.getFullName().equals(DeadLetter.getClassSchema().getFullName())) {
                // any version, resolved to the current one (fields added since are null)
                DeadLetter letter = new SpecificDatumReader<DeadLetter>(schema, DeadLetter.getClassSchema()).read(null,
                        DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null));
                return DeadLetterJson.render(letter);
            }
            Object record = new GenericDatumReader<>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(value, 10, value.length - 10, null));
            return "{\"" + schema.getName() + "\": " + GenericData.get().toString(record) + "}";
        } catch (Exception e) {
            return "{\"undecodable\": \"" + e.getMessage() + "\"}";
        }
    }
}
