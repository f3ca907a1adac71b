package dev.tributary.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/** The environment flow ITs run the production graph in on the MiniCluster. */
public final class TestEnvironments {

    private TestEnvironments() {}

    /**
     * As the cluster runs it ({@link Tributary#runtimeOptions()}: no Kryo, object reuse), parallelism 2, checkpoints every 300 ms (the exactly-once Kafka sinks
     * commit on them), and quick fixed-delay restarts so an injected failure is recovered from.
     */
    public static StreamExecutionEnvironment withRestarts(int restartAttempts) {
        Configuration conf = Tributary.runtimeOptions();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restartAttempts);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        return env;
    }
}
