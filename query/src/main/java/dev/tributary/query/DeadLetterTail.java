package dev.tributary.query;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.SchemaHistory;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The newest dead letters of the job's dead-letter topic: the last {@code n} committed records of each partition,
 * newest first. One consumer, no group (nothing is committed, the job's offsets are untouched), used by one
 * request at a time. Payloads stay out of the answer (a rejected record may hold anything); its size and SHA-256
 * let an operator find it with {@code bin/topic}.
 */
final class DeadLetterTail implements AutoCloseable {

    /** How far back a request reads per partition at most (offsets, markers included). */
    private static final long MAX_WINDOW = 100_000;

    private final String topic;
    private final Duration timeout;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventCodec<DeadLetter> codec;

    DeadLetterTail(String bootstrap, String topic, Duration timeout) {
        this.topic = topic;
        this.timeout = timeout;
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed"); // what the job committed, as every reader of its topics
        props.put("client.id", "tributary-query-dead-letters");
        props.put("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        props.put("request.timeout.ms", String.valueOf(timeout.toMillis()));
        props.put("max.partition.fetch.bytes", String.valueOf(1024 * 1024));
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // every version of the dead-letter schema the job ever wrote
        this.codec = EventCodec.forType(DeadLetter.class, CodecLimits.DEFAULTS,
                SchemaHistory.fromClasspath(DeadLetter.class.getClassLoader()));
    }

    /** The newest {@code limit} dead letters (optionally of one reason code), newest first. */
    synchronized List<Map<String, Object>> newest(int limit, String reasonCode) {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout); // the last stable offsets
            // The job writes in transactions, so offsets hold commit markers too (up to one per record) and the
            // last offsets before the end may hold no record at all: read back in doubling windows until enough
            // letters (of the reason asked) are found or every partition is read from its beginning.
            long deadline = System.nanoTime() + timeout.toNanos();
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            for (long window = 2L * limit + 8; ; window *= 2) {
                long back = window;
                read = readLast(partitions, begin, end, back, deadline);
                boolean whole = partitions.stream().allMatch(p -> end.get(p) - back <= begin.get(p));
                if (whole || window >= MAX_WINDOW || matching(read, reasonCode) >= limit) {
                    break;
                }
            }
            List<Map<String, Object>> letters = new ArrayList<>();
            read.stream().sorted(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed())
                    .forEach(r -> {
                        Map<String, Object> letter = describe(r);
                        if (reasonCode == null || reasonCode.equals(letter.get("reasonCode"))) {
                            letters.add(letter);
                        }
                    });
            return letters.size() <= limit ? letters : letters.subList(0, limit);
        } catch (TimeoutException e) {
            throw ApiError.unavailable("Kafka did not answer within " + timeout.toSeconds() + " s");
        } catch (KafkaException e) {
            throw ApiError.unavailable("Kafka refused the read of " + topic + ": " + e.getClass().getSimpleName());
        }
    }

    /** The records of the last {@code window} offsets of each partition, up to its end. */
    private List<ConsumerRecord<byte[], byte[]>> readLast(List<TopicPartition> partitions, Map<TopicPartition, Long> begin,
            Map<TopicPartition, Long> end, long window, long deadline) {
        for (TopicPartition p : partitions) {
            consumer.seek(p, Math.max(begin.get(p), end.get(p) - window));
        }
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw ApiError.timedOut("reading " + topic + " took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    read.add(r);
                }
            }
        }
        return read;
    }

    private long matching(List<ConsumerRecord<byte[], byte[]>> read, String reasonCode) {
        return reasonCode == null ? read.size()
                : read.stream().filter(r -> reasonCode.equals(describe(r).get("reasonCode"))).count();
    }

    private Map<String, Object> describe(ConsumerRecord<byte[], byte[]> r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partition", r.partition());
        out.put("offset", r.offset());
        Decoded<DeadLetter> decoded = codec.decode(r.value());
        if (decoded instanceof Decoded.Ok<DeadLetter> ok) {
            DeadLetter d = ok.value();
            out.put("failedAt", d.getFailedAt().toString());
            out.put("flow", d.getFlow());
            out.put("operator", d.getOperator());
            out.put("reasonCode", d.getReasonCode());
            out.put("reason", d.getReason());
            out.put("sourceTopic", d.getSourceTopic());
            out.put("sourcePartition", d.getSourcePartition());
            out.put("sourceOffset", d.getSourceOffset());
            out.put("payloadSize", d.getPayloadSize());
            out.put("payloadSha256", d.getPayloadSha256());
        } else {
            // a record on the dead-letter topic that is not a dead letter: said so, not hidden
            out.put("undecodable", ((Decoded.Rejected<DeadLetter>) decoded).reason());
        }
        return out;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
