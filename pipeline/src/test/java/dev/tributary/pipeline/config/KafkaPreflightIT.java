package dev.tributary.pipeline.config;

import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pre-flight check {@code flink run} does before submitting, against the stack broker's SASL_SSL listener:
 * good settings pass; a wrong password, an untrusted certificate or the wrong protocol stop the submission with a
 * message naming the setting to fix, and never the password.
 */
class KafkaPreflightIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void theRightCredentialsAndTruststorePass() {
        JobSettings settings = JobSettings.parse(KafkaTestSupport.saslSslSettings(), KafkaTestSupport.saslSslEnvironment());
        assertThatCode(() -> settings.checkReachable(TIMEOUT)).doesNotThrowAnyException();
    }

    @Test
    void aWrongPasswordNamesThePasswordSettingAndNeverTheValue() {
        Map<String, String> env = new HashMap<>(KafkaTestSupport.saslSslEnvironment());
        env.put("TRIBUTARY_KAFKA_SASL_PASSWORD", "wrong-password-4711");
        JobSettings settings = JobSettings.parse(KafkaTestSupport.saslSslSettings(), env);

        assertThatThrownBy(() -> settings.checkReachable(TIMEOUT))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("setting 'kafka.sasl.password'")
                .hasMessageContaining("refused the SASL login of user '" + StackEnv.get("TRIBUTARY_KAFKA_SASL_USER", "tributary") + "'")
                .hasMessageNotContaining("wrong-password-4711")
                .hasMessageNotContaining(env.get("TRIBUTARY_KAFKA_TRUSTSTORE_PASSWORD"));
    }

    @Test
    void aBrokerCertificateOutsideTheTruststoreNamesTheTruststoreSetting() {
        Map<String, String> raw = new HashMap<>(KafkaTestSupport.saslSslSettings());
        raw.remove("kafka.ssl.truststore.location");
        raw.remove("kafka.ssl.truststore.password");
        // the JVM's default CAs do not know the stack's self-signed broker certificate
        JobSettings settings = JobSettings.parse(raw, KafkaTestSupport.saslSslEnvironment());

        assertThatThrownBy(() -> settings.checkReachable(TIMEOUT))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("setting 'kafka.ssl.truststore.location'")
                .hasMessageContaining("TLS handshake");
    }

    @Test
    void saslSslAgainstThePlaintextListenerNamesTheProtocolSetting() {
        Map<String, String> raw = new HashMap<>(KafkaTestSupport.saslSslSettings());
        raw.put("kafka.bootstrap-servers", StackEnv.kafkaBootstrap());
        JobSettings settings = JobSettings.parse(raw, KafkaTestSupport.saslSslEnvironment());

        // straight to the login check, with a shorter wait than the submission's: the listener never answers
        assertThatThrownBy(() -> KafkaPreflight.check(settings, Duration.ofSeconds(5)))
                .isInstanceOf(InvalidSettingsException.class)
                .hasMessageContaining("setting 'kafka.security.protocol'").hasMessageContaining("SASL_SSL");
    }
}
