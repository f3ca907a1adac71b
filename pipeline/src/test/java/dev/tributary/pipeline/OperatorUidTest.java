package dev.tributary.pipeline;

import dev.tributary.pipeline.config.Flow;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Savepoints map state to operators by uid. Every operator of the real graph (all flows on) must have one, and
 * no uid that was ever released may disappear: {@code released-uids.txt} lists them; a uid may only leave that
 * list into {@code retired-uids.txt} together with the migration that makes old savepoints restore without it.
 */
class OperatorUidTest {

    private static StreamGraph fullGraph() {
        return fullGraph(kafka -> kafka);
    }

    /** The job's graph with every flow on, its Kafka sources seen through {@code sources} (tests may record them). */
    static StreamGraph fullGraph(java.util.function.Function<Sources, Sources> sources) {
        String allFlows = TributaryJob.FLOWS.keySet().stream().map(f -> f.name().toLowerCase())
                .collect(Collectors.joining(","));
        // a file:// raw zone: the graph is built offline, without the s3 filesystem plugin; every optional input on
        JobSettings settings = JobSettings.parse(Map.of("flows", allFlows, "warehouse.password", "unused",
                "lake.raw-zone", "file:///tmp/tributary-uid-test/raw", "topics.customer-changes", "shop.public.customers"),
                Map.of());
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        TributaryJob.build(new FlowContext(env, settings, sources.apply(new KafkaSources(settings)),
                new TributarySinks(settings)));
        return env.getStreamGraph();
    }

    private static Set<String> uids(StreamGraph graph) {
        return graph.getStreamNodes().stream().map(StreamNode::getTransformationUID)
                .filter(u -> u != null).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> resource(String name) throws IOException {
        try (var in = OperatorUidTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.contains(" #") ? l.substring(0, l.indexOf(" #")).strip() : l)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyOperatorOfTheFullGraphHasAUidAndAName() {
        StreamGraph graph = fullGraph();
        List<String> missing = graph.getStreamNodes().stream()
                .filter(n -> n.getTransformationUID() == null)
                .map(StreamNode::getOperatorName).toList();
        assertThat(missing).as("operators without .uid(...)").isEmpty();
        assertThat(graph.getStreamNodes()).allSatisfy(n -> assertThat(n.getOperatorName()).isNotBlank());
    }

    @Test
    void noReleasedUidDisappears() throws IOException {
        Set<String> current = uids(fullGraph());
        Set<String> released = resource("released-uids.txt");
        released.removeAll(resource("retired-uids.txt"));
        assertThat(current).as("uids of the current graph; a released uid is missing (add a migration and list it in"
                + " retired-uids.txt, or restore the uid)").containsAll(released);
    }

    @Test
    void everyCurrentUidIsListedAsReleased() throws IOException {
        Set<String> unlisted = new TreeSet<>(uids(fullGraph()));
        unlisted.removeAll(resource("released-uids.txt"));
        assertThat(unlisted).as("new operators: add their uids to pipeline/src/test/resources/released-uids.txt,"
                + " so the next release cannot lose them").isEmpty();
    }

    @Test
    void everyFlowOfTheSettingsIsBuiltByThisRelease() {
        assertThat(TributaryJob.FLOWS.keySet()).contains(Flow.INTEGRATION);
    }
}
