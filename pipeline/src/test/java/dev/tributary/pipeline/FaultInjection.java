package dev.tributary.pipeline;

import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How flow ITs run the production graph through a failure: an environment that restarts from the last
 * checkpoint (no Kryo, parallelism 2), and Kafka sources of which one throws once mid-stream.
 */
public final class FaultInjection {

    private FaultInjection() {}

    /** Throws once, after {@code failAfter} records, to make Flink restore from the last checkpoint. */
    public static final class FailOnce implements MapFunction<RawRecord, RawRecord> {
        public static final AtomicInteger SEEN = new AtomicInteger();
        public static final AtomicBoolean FAILED = new AtomicBoolean();
        private final int failAfter;

        FailOnce(int failAfter) {
            this.failAfter = failAfter;
        }

        @Override
        public RawRecord map(RawRecord value) {
            if (SEEN.incrementAndGet() >= failAfter && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + failAfter + " records");
            }
            return value;
        }
    }

    public static StreamExecutionEnvironment restartingEnvironment(long checkpointMillis) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    /** The production Kafka sources, the one reading {@code topic} failing once after {@code failAfter} records. */
    public static Sources failingOnce(JobSettings settings, String topic, int failAfter) {
        FailOnce.SEEN.set(0);
        FailOnce.FAILED.set(false);
        KafkaSources kafka = new KafkaSources(settings);
        return (e, uid, name, t) -> {
            DataStream<RawRecord> stream = kafka.kafka(e, uid, name, t);
            return t.contains(topic)
                    ? stream.map(new FailOnce(failAfter)).returns(TypeInformation.of(RawRecord.class))
                            .uid(uid + "-fault").name("injected fault")
                    : stream;
        };
    }
}
