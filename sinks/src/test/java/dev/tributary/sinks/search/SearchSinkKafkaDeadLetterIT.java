package dev.tributary.sinks.search;

import dev.tributary.events.DeadLetter;
import dev.tributary.sinks.deadletter.KafkaDeadLetterChannel;
import dev.tributary.testing.StackEnv;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A document Elasticsearch refuses is read back from the real Kafka dead-letter topic with the server's reason. */
class SearchSinkKafkaDeadLetterIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void refusedDocumentReachesTheKafkaDeadLetterTopic() throws Exception {
        String url = StackEnv.esUrl();
        SearchTestClient es = new SearchTestClient(url);
        String index = "it-kafka-dlq-" + UUID.randomUUID();
        es.createIndex(index, "{\"properties\":{\"id\":{\"type\":\"keyword\"},\"v\":{\"type\":\"long\"},\"n\":{\"type\":\"long\"}}}");
        String topic = "it.search.dead-letter." + UUID.randomUUID();
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", StackEnv.kafkaBootstrap());
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }

        List<SearchSinkIT.Doc> input = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            input.add(new SearchSinkIT.Doc("k" + i, 1, i == 250 ? "{\"nested\":true}" : String.valueOf(i)));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(500);
        env.fromData(input).uid("it-docs").name("documents")
                .sinkTo(SearchSink.<SearchSinkIT.Doc>builder()
                        .url(url)
                        .documentMapper(SearchSinkIT.mapper(index))
                        .deadLetters(KafkaDeadLetterChannel.factory(kafka, topic), "observations", "observations-search-sink")
                        .build())
                .uid("it-search-sink").name("search sink");
        env.execute("search sink kafka dead letters IT");

        assertThat(es.count(index)).isEqualTo(499);
        List<DeadLetter> letters = readAll(kafka, topic, 1);
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getReasonCode()).isEqualTo("SINK_REJECTED");
        assertThat(letters.get(0).getReason()).contains("k250").contains("HTTP 400").contains("mapper_parsing_exception");
        assertThat(StandardCharsets.UTF_8.decode(letters.get(0).getPayload()).toString()).contains("\"nested\":true");
        es.deleteIndex(index);
    }

    /** Reads the topic until {@code expected} letters arrived (deadline 60 s), then checks nothing more follows. */
    private static List<DeadLetter> readAll(Properties kafka, String topic, int expected) throws Exception {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            while (letters.size() < expected && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    letters.add(DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value())));
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
                letters.add(DeadLetter.fromByteBuffer(ByteBuffer.wrap(r.value())));
            }
        }
        return letters;
    }
}
