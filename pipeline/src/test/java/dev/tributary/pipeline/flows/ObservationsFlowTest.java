package dev.tributary.pipeline.flows;

import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The observations flow's graph as the job builds it: every operator has a stable uid of the flow, no Kryo. */
class ObservationsFlowTest {

    @Test
    void everyOperatorHasAStableUidAndAReadableName() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        JobSettings settings = JobSettings.parse(Map.of("flows", "observations", "kafka.check-reachable", "false",
                "warehouse.password", "unused"), Map.of());
        Sources generated = (e, uid, name, topics) -> e.fromSource(new DataGeneratorSource<>(
                        i -> new RawRecord(), 1, RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class)),
                WatermarkStrategy.noWatermarks(), name).uid(uid).name(name);

        TributaryJob.build(new FlowContext(env, settings, generated, new TributarySinks(settings)));

        List<String> uids = new ArrayList<>();
        for (StreamNode node : env.getStreamGraph(false).getStreamNodes()) {
            if (node.getOperatorName().contains("Committer")) {
                continue;   // the Kafka sinks' committers: their uid is derived from the sink's
            }
            assertThat(node.getTransformationUID()).as("uid of %s", node.getOperatorName()).isNotNull();
            uids.add(node.getTransformationUID());
        }
        assertThat(uids).doesNotHaveDuplicates().contains(
                "observations-observation-source", "observations-observation-decode", "observations-event-time",
                "observations-gate", "observations-dedupe", "observations-dimensions", "observations-window-counts",
                "observations-late-at-window", "observations-late-sink", "observations-counts-warehouse-sink",
                "observations-counts-search-sink", "observations-warehouse-sink", "observations-search-sink",
                "dead-letter-sink");
    }
}
