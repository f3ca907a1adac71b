package dev.tributary.pipeline;

import dev.tributary.pipeline.config.Arguments;
import dev.tributary.pipeline.config.InvalidSettingsException;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.TributarySinks;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Main class of the job jar: {@code flink run tributary-job.jar [--config file] [--key value ...]}.
 * Settings are validated before anything is built; a bad one stops the submission with a message that names it.
 */
public final class Tributary {

    private static final Logger LOG = LoggerFactory.getLogger(Tributary.class);

    private Tributary() {}

    /**
     * How the job's records are handled at run time; the flow ITs and the benchmarks run with the same options.
     * <ul>
     *   <li>No generic types: state and records must have explicit type information (Avro or POJO), so a Kryo
     *       fallback fails fast.</li>
     *   <li>Object reuse: chained operators hand records over without a deep copy (a quarter of the telemetry
     *       ordering path's CPU with Avro records). Safe because no function changes a record it received or
     *       emitted (new values come from builders), records arriving over the network are always fresh
     *       objects, and what an operator keeps in heap state beyond a call is either its own object or a copy
     *       ({@code SequenceOrderer} copies the readings it holds).</li>
     * </ul>
     */
    public static Configuration runtimeOptions() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        return conf;
    }

    public static void main(String[] args) throws Exception {
        JobSettings settings;
        try {
            Arguments arguments = Arguments.parse(args);
            if (arguments.help()) {
                System.out.println(JobSettings.help());
                return;
            }
            settings = JobSettings.parse(arguments.values(), System.getenv());
            settings.checkReachable(Duration.ofSeconds(5));
        } catch (InvalidSettingsException e) {
            // flink run prints this to the user; the job is not submitted
            System.err.println(e.getMessage());
            throw e;
        }
        LOG.info("Starting {} with settings {}", settings.get(JobSettings.JOB_NAME), settings.describe());

        Configuration conf = runtimeOptions();
        conf.set(PipelineOptions.NAME, settings.get(JobSettings.JOB_NAME));
        conf.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, settings.describe());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        env.execute(settings.get(JobSettings.JOB_NAME));
    }
}
