package dev.tributary.pipeline;

import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.config.Flow;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.AssetsFlow;
import dev.tributary.pipeline.flows.EdgeFlow;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.FlowGraph;
import dev.tributary.pipeline.flows.IntegrationFlow;
import dev.tributary.pipeline.flows.LakeFlow;
import dev.tributary.pipeline.flows.ObservationsFlow;
import dev.tributary.pipeline.flows.TelemetryFlow;

import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole job graph: every enabled flow on the shared inputs (one source and decode per event type, see
 * {@link dev.tributary.pipeline.flows.Inputs}), and one exactly-once dead-letter sink for all of them. Sources and
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

    /**
     * Keyed state is split into this many key groups, the most subtasks any keyed operator can ever run on. It is
     * fixed for the life of the job's state: a savepoint restores only into the same value. 128 is what Flink chose
     * by default for every release so far (parallelism 2), so their savepoints keep restoring.
     */
    public static final int MAX_PARALLELISM = 128;

    private TributaryJob() {}

    public static void build(FlowContext context) {
        context.env().setMaxParallelism(MAX_PARALLELISM);
        List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();
        for (Flow flow : context.settings().get(JobSettings.FLOWS)) {
            FlowGraph graph = FLOWS.get(flow);
            if (graph == null) {
                throw new IllegalArgumentException("flow '" + flow.name().toLowerCase() + "' is not part of this release;"
                        + " enable one of " + FLOWS.keySet() + " in setting 'flows'");
            }
            deadLetters.addAll(graph.build(context));
        }
        // one dead letter per rejected record: each input is read and decoded once, whichever flows use it
        deadLetters.addAll(context.inputs().deadLetters());
        if (deadLetters.isEmpty()) {
            return;
        }
        DataStream<DeadLetter> all = deadLetters.get(0);
        for (DataStream<DeadLetter> more : deadLetters.subList(1, deadLetters.size())) {
            all = all.union(more);
        }
        all.sinkTo(context.sinks().deadLetters())
                .uid("dead-letter-sink").name("Kafka " + context.settings().get(JobSettings.TOPIC_DEAD_LETTER));
    }
}
