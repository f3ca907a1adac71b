package dev.tributary.pipeline;

import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.flows.EventType;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every flow on, each input topic is read by exactly one Kafka source, which decodes it (so each record is
 * fetched and decoded once and dead-lettered at most once), and the job's watermarks come from the sources.
 */
class OneReadPerTopicTest {

    private final List<KafkaInput<?>> inputs = new ArrayList<>();

    private StreamGraph fullGraph() {
        return OperatorUidTest.fullGraph(kafka -> new Sources() {
            @Override
            public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
                    StreamExecutionEnvironment e, KafkaInput<T> input) {
                inputs.add(input);
                return kafka.kafka(e, input);
            }
        });
    }

    @Test
    void everyInputTopicIsReadByExactlyOneSourceThatDecodes() {
        StreamGraph graph = fullGraph();
        Map<String, Integer> readers = new HashMap<>();
        inputs.forEach(i -> i.topics().forEach(t -> readers.merge(t, 1, Integer::sum)));
        assertThat(readers).as("sources per topic").isNotEmpty().allSatisfy((topic, n) -> assertThat(n).as(topic).isEqualTo(1));
        assertThat(inputs).extracting(KafkaInput::uid).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder("asset-announced-source", "asset-request-source", "hoverboard-reading-source",
                        "customer-source", "trip-source", "observation-source", "customer-change-source",
                        "asset-broadcast-source", "asset-delivery-source");

        List<StreamNode> kafkaSources = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().startsWith("Source: Kafka")).toList();
        assertThat(kafkaSources).as("Kafka source operators in the job graph").hasSize(inputs.size());
        // no operator decodes a second time behind a source: decoding is in the deserializer
        assertThat(graph.getStreamNodes()).extracting(StreamNode::getOperatorName)
                .noneMatch(name -> name.startsWith("Decode "));
    }

    @Test
    void onlyTypesWithEventTimeGetWatermarksAndTheJobsMaxParallelismIsFixed() {
        StreamGraph graph = fullGraph();
        for (KafkaInput<?> input : inputs) {
            boolean eventTime = input.uid().equals(EventType.OBSERVATION.name() + "-source");
            var alignment = input.watermarks().getAlignmentParameters();
            assertThat(alignment.isEnabled()).as("watermark alignment of %s", input.uid()).isEqualTo(eventTime);
            if (eventTime) {
                assertThat(alignment.getWatermarkGroup()).isEqualTo("observations");
                assertThat(alignment.getMaxAllowedWatermarkDrift()).isEqualTo(java.time.Duration.ofMinutes(10).toMillis());
            }
            assertThat(input.producedType()).isNotEqualTo(TypeInformation.of(Object.class));
        }
        assertThat(graph.getStreamNodes()).allSatisfy(n ->
                assertThat(n.getMaxParallelism()).as(n.getOperatorName()).isIn(-1, TributaryJob.MAX_PARALLELISM));
        assertThat(graph.getExecutionConfig().getMaxParallelism()).isEqualTo(TributaryJob.MAX_PARALLELISM);
    }
}
