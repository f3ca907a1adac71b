package dev.tributary.pipeline.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobSettingsTest {

    @Test
    void defaultsAreValid() {
        JobSettings settings = JobSettings.parse(Map.of(), Map.of());
        assertThat(settings.get(JobSettings.FLOWS)).containsExactly(Flow.INTEGRATION);
        assertThat(settings.get(JobSettings.KAFKA_BOOTSTRAP)).containsExactly("127.0.0.1:9092");
        assertThat(settings.get(JobSettings.KAFKA_TX_TIMEOUT)).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.get(JobSettings.DECODE_MAX_PAYLOAD)).isEqualTo(1024L * 1024);
        assertThat(settings.get(JobSettings.TOPICS_OBSERVATIONS))
                .containsExactly("observations.gbif", "observations.obis", "observations.idigbio");
    }

    @Test
    void theDownloadSsrfGuardIsOnByDefault() {
        JobSettings settings = JobSettings.parse(Map.of(), Map.of());
        assertThat(settings.get(JobSettings.ASSETS_ALLOW_PRIVATE)).as("private networks refused").isFalse();
        assertThat(settings.get(JobSettings.ASSETS_ALLOWED_HOSTS)).as("no host exempted").isEmpty();
    }

    @Test
    void argumentsOverrideTheFileAndParseTypes() {
        Arguments args = Arguments.parse(new String[] {
                "--flows", "integration, telemetry", "--kafka.transaction-timeout=2min", "--decode.max-payload", "64kb"});
        JobSettings settings = JobSettings.parse(args.values(), Map.of());
        assertThat(settings.get(JobSettings.FLOWS)).isEqualTo(Set.of(Flow.INTEGRATION, Flow.TELEMETRY));
        assertThat(settings.get(JobSettings.KAFKA_TX_TIMEOUT)).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.get(JobSettings.DECODE_MAX_PAYLOAD)).isEqualTo(64L * 1024);
    }

    @Test
    void everyProblemIsReportedWithTheSettingsName() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of(
                        "kafka.bootstrap-servers", "no-port-here",
                        "kafka.transaction-timeout", "soon",
                        "flows", "integration,warp-drive",
                        "topics.dead-letter", "bad topic!"), Map.of()))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems())
                        .hasSize(4)
                        .anySatisfy(p -> assertThat(p).contains("kafka.bootstrap-servers").contains("host:port"))
                        .anySatisfy(p -> assertThat(p).contains("kafka.transaction-timeout").contains("30s"))
                        .anySatisfy(p -> assertThat(p).contains("flows").contains("telemetry"))
                        .anySatisfy(p -> assertThat(p).contains("topics.dead-letter")));
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.bootstrap-server", "x:1"), Map.of()))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("unknown setting 'kafka.bootstrap-server'")
                .hasMessageContaining("did you mean 'kafka.bootstrap-servers'");
    }

    @Test
    void environmentReferencesAreResolvedAndSecretsMasked() {
        JobSettings settings = JobSettings.parse(Map.of(
                "kafka.client.sasl.jaas.config", "${env:KAFKA_JAAS}",
                "kafka.client.security.protocol", "SASL_SSL"), Map.of("KAFKA_JAAS", "s3cr3t-jaas"));
        assertThat(settings.kafkaClientProperties().getProperty("sasl.jaas.config")).isEqualTo("s3cr3t-jaas");
        assertThat(settings.kafkaClientProperties().getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(settings.toString()).doesNotContain("s3cr3t").contains("kafka.client.sasl.jaas.config=******");
        assertThat(settings.describe()).containsEntry("kafka.client.security.protocol", "SASL_SSL");
    }

    @Test
    void aMissingEnvironmentVariableNamesTheSettingAndTheVariable() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.client.sasl.jaas.config", "${env:NOPE}"), Map.of()))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("kafka.client.sasl.jaas.config")
                .hasMessageContaining("NOPE");
    }

    @Test
    void unreachableBootstrapServersAreReportedBeforeTheJobStarts() {
        // port 1 on loopback: nothing listens there
        JobSettings settings = JobSettings.parse(Map.of("kafka.bootstrap-servers", "127.0.0.1:1"), Map.of());
        assertThatThrownBy(() -> settings.checkReachable(Duration.ofSeconds(2)))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("kafka.bootstrap-servers")
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void helpListsEverySettingWithItsDefault() {
        String help = JobSettings.help();
        for (Setting<?> s : JobSettings.ALL) {
            assertThat(help).contains(s.key());
        }
        assertThat(help).contains("default: 127.0.0.1:9092").contains("kafka.client.*");
    }

    @Test
    void badCommandLinesAreExplained() {
        assertThatThrownBy(() -> Arguments.parse(new String[] {"integration"}))
                .hasMessageContaining("--key value");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"--flows"}))
                .hasMessageContaining("--flows needs a value");
        assertThatThrownBy(() -> Arguments.parse(new String[] {"--config", "/no/such/file.properties"}))
                .hasMessageContaining("no such file");
        assertThat(List.of(Arguments.parse(new String[] {"--help"}).help())).containsExactly(true);
    }
}
