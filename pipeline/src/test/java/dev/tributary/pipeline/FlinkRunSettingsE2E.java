package dev.tributary.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/flink run} of the shaded jar as a user types it: {@code --help} prints the settings and ends with exit
 * code 0 without submitting a job; a bad setting stops the submission with a message that names the setting.
 * The job list of the session cluster proves nothing was submitted.
 */
class FlinkRunSettingsE2E {

    @Test
    void helpPrintsEverySettingAndSubmitsNothing() throws Exception {
        List<String> before = SessionCluster.jobIds();

        SessionCluster.Outcome help = SessionCluster.run(List.of("--help"));

        assertThat(help.exitCode()).as(help.output()).isZero();
        assertThat(help.output()).contains("Tributary job settings", "kafka.bootstrap-servers", "flows",
                "warehouse.password", "kafka.client.*");
        assertThat(SessionCluster.jobIds()).as("jobs on the cluster").containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void anUnknownSettingStopsTheSubmissionNamingIt() throws Exception {
        assertRefused(List.of("--kafka.bootstrap-server", "127.0.0.1:9092"), "unknown setting 'kafka.bootstrap-server'");
    }

    @Test
    void aMalformedUrlStopsTheSubmissionNamingTheSetting() throws Exception {
        assertRefused(List.of("--search.url", "localhost:9200"), "search.url");
    }

    @Test
    void anUnreachableBootstrapServerStopsTheSubmissionNamingTheSetting() throws Exception {
        // port 1 on loopback: nothing listens there, the connection is refused at once
        assertRefused(List.of("--kafka.bootstrap-servers", "127.0.0.1:1"), "kafka.bootstrap-servers");
    }

    private static void assertRefused(List<String> args, String expectedMessage) throws Exception {
        List<String> before = SessionCluster.jobIds();

        SessionCluster.Outcome run = SessionCluster.run(args);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("Invalid Tributary settings", expectedMessage);
        assertThat(SessionCluster.jobIds()).as("jobs on the cluster").containsExactlyInAnyOrderElementsOf(before);
    }
}
