package dev.tributary.pipeline;

import dev.tributary.testing.StackEnv;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Topics, producers and read_committed consumers against the local stack's real broker. */
public final class KafkaTestSupport {

    /** How long a test producer keeps trying to deliver (Kafka's default is 2 minutes). */
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration LEADER_WAIT = Duration.ofMinutes(1);

    private KafkaTestSupport() {}

    public static Properties clientProperties() {
        return clientProperties(StackEnv.kafkaBootstrap());
    }

    /**
     * Settings for a test's producer: idempotent, {@code acks=all}, and one request in flight per connection.
     * Tests write to topics created a moment before, and there Kafka can lose an idempotent producer's first
     * request for good (KAFKA-15591, apache/kafka#23234): request A reaches the broker before it has applied the
     * new partition and fails with a retriable error, request B lands after, and every retry of A is then refused
     * as OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout. Seen in CI: 404 records to a fresh topic failed
     * after five minutes. With one request in flight, B cannot overtake A.
     */
    public static Properties producerProperties(String bootstrap) {
        Properties props = clientProperties(bootstrap);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("max.in.flight.requests.per.connection", "1");
        return props;
    }

    /** {@link #producerProperties(String)} for the stack's broker. */
    public static Properties producerProperties() {
        return producerProperties(StackEnv.kafkaBootstrap());
    }

    /** Client settings for another broker than the stack's (the edge broker of the edge tests). */
    public static Properties clientProperties(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }

    /** Environment variables of the broker's SASL_SSL listener that {@link #saslSslSettings()} reads. */
    public static final List<String> SASL_SSL_VARIABLES = List.of("TRIBUTARY_KAFKA_SASL_PASSWORD", "TRIBUTARY_KAFKA_TRUSTSTORE_PASSWORD");

    /**
     * Job settings that point every Kafka client of the job at the stack broker's SASL_SSL listener (SCRAM-SHA-512
     * over TLS, {@code bin/stack} made its keystore and user), with the passwords as {@code ${env:...}} references
     * to resolve with {@link #saslSslEnvironment()}.
     */
    public static Map<String, String> saslSslSettings() {
        return Map.of(
                "kafka.bootstrap-servers", StackEnv.get("TRIBUTARY_KAFKA_SASL_BOOTSTRAP", "127.0.0.1:9094"),
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.username", StackEnv.get("TRIBUTARY_KAFKA_SASL_USER", "tributary"),
                "kafka.sasl.password", "${env:TRIBUTARY_KAFKA_SASL_PASSWORD}",
                "kafka.ssl.truststore.location", StackEnv.get("TRIBUTARY_KAFKA_TRUSTSTORE", ""),
                "kafka.ssl.truststore.password", "${env:TRIBUTARY_KAFKA_TRUSTSTORE_PASSWORD}");
    }

    /** The values of {@link #SASL_SSL_VARIABLES} from the environment or {@code .stack/env}. */
    public static Map<String, String> saslSslEnvironment() {
        Map<String, String> env = new java.util.HashMap<>();
        for (String name : SASL_SSL_VARIABLES) {
            String value = StackEnv.get(name, "");
            if (value.isEmpty()) {
                throw new IllegalStateException(name + " is not set: start the stack's broker with bin/stack up kafka");
            }
            env.put(name, value);
        }
        return env;
    }

    /** Creates fresh topics (a random suffix keeps test runs apart) and returns their names in order. */
    public static List<String> createTopics(int partitions, String... baseNames) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> names = new ArrayList<>();
        for (String base : baseNames) {
            names.add(base + "-" + suffix);
        }
        try (Admin admin = Admin.create(clientProperties())) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList()).all().get();
            awaitLeaders(admin, names);
        }
        return names;
    }

    /**
     * Waits until every partition of the topics has a leader: the controller (KRaft) answers a creation before the
     * broker has applied it, so right after it the broker may not know the topic yet ("does not host this
     * topic-partition") or its partitions may lack a leader, and a producer meeting either only retries until its
     * delivery timeout.
     */
    private static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        Await.until("a leader for every partition of the new topics " + topics
                + " (see the broker's log, .stack/kafka/kafka.log)", LEADER_WAIT, () -> {
            // an unknown topic fails this call with a retriable error, which Await keeps as the cause
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
            List<String> leaderless = described.values().stream()
                    .flatMap(d -> d.partitions().stream()
                            .filter(p -> p.leader() == null || p.leader().isEmpty())
                            .map(p -> d.name() + "-" + p.partition()))
                    .toList();
            if (!leaderless.isEmpty()) {
                throw new IllegalStateException("no leader yet for " + leaderless);
            }
            return true;
        });
    }

    /** Sends key/value pairs and waits until every one is acknowledged. */
    public static void produce(String topic, Collection<Map.Entry<String, byte[]>> records) throws Exception {
        send(topic, null, records);
    }

    /** Sends key/value pairs to one partition, in order, and waits until every one is acknowledged. */
    public static void produce(String topic, int partition, Collection<Map.Entry<String, byte[]>> records) throws Exception {
        send(topic, partition, records);
    }

    /**
     * Sends key/value pairs in order (the key's hash picks the partition) and returns where each one landed, so a
     * test can match what the job reports (e.g. a dead letter's source offset) to the record it sent.
     */
    public static List<RecordMetadata> produceReturningOffsets(String topic, Collection<Map.Entry<String, byte[]>> records)
            throws Exception {
        return send(topic, null, records);
    }

    /** A null partition leaves the choice to Kafka's default partitioner (the key's hash). */
    private static List<RecordMetadata> send(String topic, Integer partition, Collection<Map.Entry<String, byte[]>> records)
            throws Exception {
        Properties props = producerProperties();
        // A test's input must arrive, and a broker on a loaded 2-core machine has been seen to stall for two
        // minutes (a CI run): the default delivery timeout (2 min) then failed a test that a late arrival passes.
        props.put("delivery.timeout.ms", String.valueOf(DELIVERY_TIMEOUT.toMillis()));
        props.put("max.block.ms", String.valueOf(DELIVERY_TIMEOUT.toMillis()));
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (Map.Entry<String, byte[]> r : records) {
                sent.add(producer.send(new ProducerRecord<>(topic, partition,
                        r.getKey() == null ? null : r.getKey().getBytes(StandardCharsets.UTF_8), r.getValue())));
            }
            producer.flush();
            List<RecordMetadata> metadata = new ArrayList<>();
            for (Future<RecordMetadata> f : sent) {
                try {
                    metadata.add(f.get());
                } catch (ExecutionException e) {
                    throw new AssertionError("sending " + records.size() + " records to " + topic + " failed after "
                            + metadata.size() + " were acknowledged; the broker then described the topic as "
                            + describeForDiagnosis(topic) + " (see the broker's log, .stack/kafka/kafka.log)", e.getCause());
                }
            }
            return metadata;
        }
    }

    /** The topic's partitions and leaders as the broker sees them now, or why they could not be read. */
    private static String describeForDiagnosis(String topic) {
        try (Admin admin = Admin.create(clientProperties())) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).toString();
        } catch (Exception e) {
            return "unknown (describing it failed too: " + e + ")";
        }
    }

    /**
     * Reads the topic from the beginning with {@code read_committed} until {@code done} holds for what was read,
     * or fails at the deadline with what it saw.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedUntil(
            String topic, Duration deadline, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Instant end = Instant.now().plus(deadline);
        try (KafkaConsumer<byte[], byte[]> consumer = committedReaderFromBeginning(StackEnv.kafkaBootstrap(), topic)) {
            while (!done.test(seen)) {
                if (Instant.now().isAfter(end)) {
                    throw new AssertionError("after " + deadline + " topic " + topic + " holds " + seen.size()
                            + " committed records, which does not satisfy the expectation");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
            }
            return seen;
        }
    }

    /**
     * Everything committed in the topic right now: reads with {@code read_committed} up to each partition's last
     * stable offset (no open transaction of a running job can hide records behind it afterwards).
     */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedToEnd(String topic, Duration deadline) {
        return readCommittedToEnd(StackEnv.kafkaBootstrap(), topic, deadline);
    }

    /** {@link #readCommittedToEnd(String, Duration)} on another broker. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommittedToEnd(String bootstrap, String topic, Duration deadline) {
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        Instant end = Instant.now().plus(deadline);
        try (KafkaConsumer<byte[], byte[]> consumer = committedReaderFromBeginning(bootstrap, topic)) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            var endOffsets = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < endOffsets.get(tp))) {
                if (Instant.now().isAfter(end)) {
                    throw new AssertionError("after " + deadline + " topic " + topic + " was not read to its end offsets "
                            + endOffsets + " (read " + seen.size() + ")");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
            }
            return seen;
        }
    }

    /** A read_committed consumer assigned every partition of the topic, positioned at the beginning. */
    private static KafkaConsumer<byte[], byte[]> committedReaderFromBeginning(String bootstrap, String topic) {
        Properties props = clientProperties(bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
