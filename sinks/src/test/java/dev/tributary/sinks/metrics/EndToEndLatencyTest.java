package dev.tributary.sinks.metrics;

import dev.tributary.sinks.kafka.KafkaSinks;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class EndToEndLatencyTest {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    void aMeasuredSinkRecordsTheAgeOfEveryTimestampedRecordInFrontOfItsWriter() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        long produced = System.currentTimeMillis() - 60_000;
        env.fromSequence(1, 50).uid("timed-source").name("timed-source")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Long>forMonotonousTimestamps()
                        .withTimestampAssigner((e, previous) -> produced)).uid("stamp").name("stamp")
                .sinkTo(EndToEndLatency.measured(new DiscardingSink<>(), "timed")).uid("timed").name("timed");
        // no timestamp assigner: records carry no timestamp, nothing to measure
        env.fromSequence(1, 20).uid("untimed-source").name("untimed-source")
                .sinkTo(EndToEndLatency.measured(new DiscardingSink<>(), "untimed")).uid("untimed").name("untimed");

        JobClient job = env.executeAsync("latency");
        job.getJobExecutionResult().get();

        Histogram timed = histogram(job.getJobID(), "timed");
        assertThat(timed.getCount()).as("every timestamped record measured once").isEqualTo(50);
        assertThat(timed.getStatistics().getMin()).as("at least the minute since the records were stamped")
                .isGreaterThanOrEqualTo(60_000L);
        assertThat(histogram(job.getJobID(), "untimed").getCount()).isZero();
    }

    @Test
    void aMeasuredExactlyOnceKafkaSinkKeepsItsCommitterAndWriterState() throws Exception {
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", "127.0.0.1:9092");
        Sink<String> kafka = KafkaSinks.exactlyOnce(new KafkaSinks.Target(client, "latency-test", Duration.ofMinutes(5), "dead"),
                "latency", "t", s -> s.getBytes(StandardCharsets.UTF_8), s -> s.getBytes(StandardCharsets.UTF_8));

        Sink<String> measured = EndToEndLatency.measured(kafka, "latency");

        assertThat(measured).isInstanceOf(SupportsCommitter.class).isInstanceOf(SupportsWriterState.class);
        assertThat(EndToEndLatency.measured(measured, "latency")).as("measured once").isSameAs(measured);
        // the job graph carries the sink serialized: the proxy must survive it
        Sink<String> copy = InstantiationUtil.clone(measured, getClass().getClassLoader());
        assertThat(copy).isInstanceOf(SupportsCommitter.class).isInstanceOf(SupportsWriterState.class);
        assertThat(((SupportsWriterState<?, ?>) copy).getWriterStateSerializer())
                .isInstanceOf(((SupportsWriterState<?, ?>) kafka).getWriterStateSerializer().getClass());
    }

    private static Histogram histogram(JobID job, String operator) {
        Map<String, Metric> found = REPORTER.getMetricsByIdentifiers(job).entrySet().stream()
                .filter(e -> e.getKey().endsWith("." + EndToEndLatency.METRIC) && e.getKey().contains("." + operator + ": End-to-end latency."))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(found).as("histogram of sink %s among %s", operator, REPORTER.getMetricsByIdentifiers(job).keySet())
                .hasSize(1);
        return (Histogram) found.values().iterator().next();
    }
}
