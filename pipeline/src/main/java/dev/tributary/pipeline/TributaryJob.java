package dev.tributary.pipeline;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.codec.DeadLetterDedupe;
import dev.tributary.pipeline.config.Flow;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.AssetsFlow;
import dev.tributary.pipeline.flows.EdgeFlow;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.FlowGraph;
import dev.tributary.pipeline.flows.IntegrationFlow;
import dev.tributary.pipeline.flows.TelemetryFlow;
import dev.tributary.pipeline.flows.ObservationsFlow;
import dev.tributary.pipeline.flows.LakeFlow;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole job graph: every enabled flow, and one exactly-once dead-letter sink for all of them. Sources and
 * sinks are passed in (through the context), so tests run exactly this graph against real servers.
 */
public final class TributaryJob {

    /** The flows this release knows, by the setting value that enables them. */
    static final Map<Flow, FlowGraph> FLOWS = Map.of(
            Flow.INTEGRATION, new IntegrationFlow(),
            Flow.TELEMETRY, new TelemetryFlow(),
            Flow.OBSERVATIONS, new ObservationsFlow(),
            Flow.ASSETS, new AssetsFlow(),
            Flow.LAKE, new LakeFlow(),
            Flow.EDGE, new EdgeFlow());

    /** How long the dead-letter path remembers a rejected source record (longer than any replay or backfill). */
    static final Duration DEAD_LETTER_MEMORY = Duration.ofDays(7);

    private TributaryJob() {}

    public static void build(FlowContext context) {
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        for (Flow flow : context.settings().get(JobSettings.FLOWS)) {
            FlowGraph graph = FLOWS.get(flow);
            if (graph == null) {
                throw new IllegalArgumentException("flow '" + flow.name().toLowerCase() + "' is not part of this release;"
                        + " enable one of " + FLOWS.keySet() + " in setting 'flows'");
            }
            deadLetters.add(graph.build(context));
        }
        DataStream<DeadLetter> all = deadLetters.get(0);
        for (DataStream<DeadLetter> more : deadLetters.subList(1, deadLetters.size())) {
            all = all.union(more);
        }
        // one dead letter per source record, however many flows rejected it (see DeadLetterDedupe)
        all.keyBy(DeadLetterDedupe.sourceKey())
                .process(new DeadLetterDedupe(DEAD_LETTER_MEMORY), AvroTypes.of(DeadLetter.class))
                .uid("dead-letter-dedupe").name("One dead letter per source record")
                .sinkTo(context.sinks().deadLetters())
                .uid("dead-letter-sink").name("Kafka " + context.settings().get(JobSettings.TOPIC_DEAD_LETTER));
    }
}
