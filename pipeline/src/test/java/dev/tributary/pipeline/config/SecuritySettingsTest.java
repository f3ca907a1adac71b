package dev.tributary.pipeline.config;

import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The security settings: Kafka client properties they make, combinations they refuse, no credentials in URLs. */
class SecuritySettingsTest {

    private static final Map<String, String> ENV = Map.of("SASL_PW", "pa\"ss\\word-xyz", "TRUST_PW", "trust-pw-123");

    @Test
    void saslSslBecomesClientPropertiesWithThePasswordFromTheEnvironmentAndMaskedInTheDescription() {
        JobSettings settings = JobSettings.parse(Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.username", "alice",
                "kafka.sasl.password", "${env:SASL_PW}",
                "kafka.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "kafka.ssl.truststore.password", "${env:TRUST_PW}"), ENV);

        Properties props = settings.kafkaClientProperties();
        assertThat(props).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                .containsEntry("ssl.truststore.password", "trust-pw-123");
        // Kafka's own JAAS parser reads back the user and the password with its quote and backslash intact
        var entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new Password(props.getProperty("sasl.jaas.config")))).configurationEntries().get(0);
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(entry.getOptions().get("username")).isEqualTo("alice");
        assertThat(entry.getOptions().get("password")).isEqualTo("pa\"ss\\word-xyz");

        assertThat(settings.toString()).doesNotContain("word-xyz").doesNotContain("trust-pw-123")
                .contains("kafka.sasl.password=******", "kafka.ssl.truststore.password=******", "kafka.sasl.username=alice");
    }

    @Test
    void plainMechanismUsesThePlainLoginModule() {
        JobSettings settings = JobSettings.parse(Map.of("kafka.security.protocol", "sasl_plaintext",
                "kafka.sasl.mechanism", "PLAIN", "kafka.sasl.username", "bob", "kafka.sasl.password", "${env:SASL_PW}"), ENV);
        Properties props = settings.kafkaClientProperties();
        assertThat(props).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
                .doesNotContainKey("ssl.truststore.location");
        assertThat(props.getProperty("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\"");
    }

    @Test
    void plaintextLeavesThePassThroughSecurityAlone() {
        JobSettings settings = JobSettings.parse(Map.of("kafka.client.security.protocol", "SSL"), Map.of());
        assertThat(settings.kafkaClientProperties()).containsEntry("security.protocol", "SSL")
                .doesNotContainKey("sasl.jaas.config");
    }

    @Test
    void saslWithoutUserOrPasswordNamesTheSettingsAndTheFix() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.security.protocol", "SASL_SSL"), Map.of()))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("'kafka.sasl.username' is empty", "--kafka.sasl.username"))
                        .anySatisfy(p -> assertThat(p).contains("'kafka.sasl.password' is empty",
                                "kafka.sasl.password=${env:")));
    }

    @Test
    void credentialsWithoutSaslAndATruststoreWithoutTlsAreRefused() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.sasl.username", "alice",
                "kafka.sasl.password", "${env:SASL_PW}", "kafka.ssl.truststore.location", "/t.p12"), ENV))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("kafka.sasl.username", "kafka.security.protocol=SASL_SSL"))
                        .anySatisfy(p -> assertThat(p).contains("kafka.ssl.truststore.location", "only used with TLS")))
                .hasMessageNotContaining("word-xyz");
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.security.protocol", "SSL",
                "kafka.ssl.truststore.password", "${env:TRUST_PW}"), ENV))
                .hasMessageContaining("'kafka.ssl.truststore.password' is set without 'kafka.ssl.truststore.location'")
                .hasMessageNotContaining("trust-pw-123");
    }

    @Test
    void aPassThroughOfAnOwnedPropertyConflicts() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.security.protocol", "SSL",
                "kafka.client.security.protocol", "SASL_SSL"), Map.of()))
                .hasMessageContaining("'kafka.client.security.protocol' conflicts with kafka.security.protocol=SSL");
    }

    @Test
    void credentialsInsideTheWarehouseOrSearchUrlAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of(
                "warehouse.jdbc-url", "jdbc:redshift://example:5439/dev?ssl=true&Password=hunter2-xyz",
                "search.url", "https://elastic:hunter3-xyz@search.example:9200"), Map.of()))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("warehouse.jdbc-url", "warehouse.password=${env:"))
                        .anySatisfy(p -> assertThat(p).contains("search.url", "search.password-env")))
                .hasMessageNotContaining("hunter2-xyz").hasMessageNotContaining("hunter3-xyz");
        // TLS options stay in the URL
        assertThat(JobSettings.parse(Map.of("warehouse.jdbc-url",
                "jdbc:postgresql://db.example:5432/tributary?ssl=true&sslmode=verify-full&sslrootcert=/etc/ca.pem"), Map.of())
                .get(JobSettings.WAREHOUSE_JDBC_URL)).endsWith("sslrootcert=/etc/ca.pem");
    }

    @Test
    void anUnknownProtocolOrMechanismListsTheChoices() {
        assertThatThrownBy(() -> JobSettings.parse(Map.of("kafka.security.protocol", "TLS",
                "kafka.sasl.mechanism", "GSSAPI"), Map.of()))
                .isInstanceOfSatisfying(InvalidSettingsException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anySatisfy(p -> assertThat(p).contains("kafka.security.protocol", "sasl-ssl"))
                        .anySatisfy(p -> assertThat(p).contains("kafka.sasl.mechanism", "scram-sha-512")));
    }
}
