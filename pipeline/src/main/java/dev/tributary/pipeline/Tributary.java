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

        Configuration conf = new Configuration();
        conf.set(PipelineOptions.NAME, settings.get(JobSettings.JOB_NAME));
        // State and records must have explicit type information (Avro or POJO): a Kryo fallback fails fast.
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.GLOBAL_JOB_PARAMETERS, settings.describe());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        TributaryJob.build(new FlowContext(env, settings, new KafkaSources(settings), new TributarySinks(settings)));
        env.execute(settings.get(JobSettings.JOB_NAME));
    }
}
