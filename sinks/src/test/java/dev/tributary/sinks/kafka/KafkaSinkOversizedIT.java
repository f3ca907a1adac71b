package dev.tributary.sinks.kafka;

import dev.tributary.events.DeadLetter;
import dev.tributary.testing.StackEnv;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record the broker would refuse for good (larger than the producer sends) against the stack's real Kafka,
 * with no restart allowed: it becomes a dead letter in the same transaction, and the records around it arrive.
 */
class KafkaSinkOversizedIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    @Test
    void aRecordTooLargeToSendIsDeadLetteredInsteadOfFailingTheTaskForEver() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.oversized." + run;
        String dead = "it.oversized.dead." + run;
        Properties client = new Properties();
        client.put("bootstrap.servers", StackEnv.kafkaBootstrap());
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(dead, 1, (short) 1))).all().get();
        }

        String huge = "h:" + "x".repeat(2 * 1024 * 1024);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(300);
        env.fromData(Types.STRING, "before", huge, "after").uid("records").name("records")
                .sinkTo(KafkaSinks.exactlyOnce(new KafkaSinks.Target(client, "it-oversized-" + run, Duration.ofMinutes(5), dead),
                        "oversized", topic, s -> s.substring(0, 1).getBytes(StandardCharsets.UTF_8),
                        s -> s.getBytes(StandardCharsets.UTF_8)))
                .uid("kafka").name("kafka");
        env.execute("oversized record"); // fails, without restarts, if the record reaches the producer

        assertThat(readCommitted(client, topic)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("before", "after");
        List<ConsumerRecord<byte[], byte[]>> letters = readCommitted(client, dead);
        assertThat(letters).singleElement().satisfies(r -> {
            DeadLetter letter = DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value()));
            assertThat(letter.getReasonCode()).isEqualTo(KeyedRecordSerializer.OVERSIZED);
            assertThat(letter.getOperator()).isEqualTo("kafka-oversized");
            assertThat(letter.getReason()).contains(topic).contains(String.valueOf(huge.length() + 1));
            assertThat(letter.getPayloadSize()).isEqualTo(huge.length());
            assertThat(letter.getPayloadTruncated()).isTrue();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("h");
            assertThat(r.value().length).isLessThan(80 * 1024);
        });
    }

    /**
     * Everything committed in the topic once the finished job's last transaction is complete. The broker answers
     * a commit before it has written the commit markers into the partitions, so right after the job ends the last
     * stable offset can still stand before the records (seen in CI: nothing read). Waits until it reaches the high
     * watermark, then reads up to it.
     */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(Properties client, String topic) throws Exception {
        TopicPartition p = new TopicPartition(topic, 0);
        long end = awaitNoOpenTransaction(client, p);
        Properties props = new Properties();
        props.putAll(client);
        props.put("isolation.level", "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** The partition's end offset once its last stable offset has caught up with its high watermark. */
    private static long awaitNoOpenTransaction(Properties client, TopicPartition p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        try (Admin admin = Admin.create(client)) {
            while (true) {
                long stable = endOffset(admin, p, IsolationLevel.READ_COMMITTED);
                long high = endOffset(admin, p, IsolationLevel.READ_UNCOMMITTED);
                if (stable == high) {
                    return stable;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(p + " still has an open transaction after a minute: last stable offset "
                            + stable + ", high watermark " + high);
                }
                Thread.sleep(100);
            }
        }
    }

    private static long endOffset(Admin admin, TopicPartition p, IsolationLevel isolation) throws Exception {
        return admin.listOffsets(Map.of(p, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(p).get().offset();
    }
}
