package dev.tributary.pipeline.config;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The first-class Kafka security settings ({@code kafka.security.protocol}, {@code kafka.sasl.*},
 * {@code kafka.ssl.truststore.*}) as Kafka client properties, and the checks that keep them consistent.
 *
 * <p>They exist so that a password is a setting of its own, masked like every secret and given as
 * {@code ${env:NAME}}, instead of being embedded in a hand-written JAAS line. The properties they make reach
 * every Kafka client of the job through {@link JobSettings#kafkaClientProperties()}.
 */
final class KafkaSecurity {

    /** The client properties these settings own: a {@code kafka.client.*} pass-through of one of them conflicts. */
    static final List<String> OWNED = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config",
            "ssl.truststore.location", "ssl.truststore.password");

    private KafkaSecurity() {}

    /** Adds a problem (naming the setting and the fix) for every inconsistent combination. */
    static void check(JobSettings settings, Map<String, String> passThrough, List<String> problems) {
        KafkaSecurityProtocol protocol = settings.get(JobSettings.KAFKA_SECURITY_PROTOCOL);
        String protocolText = JobSettings.KAFKA_SECURITY_PROTOCOL.key() + "=" + protocol;
        if (protocol != KafkaSecurityProtocol.PLAINTEXT) {
            for (String key : OWNED) {
                if (passThrough.containsKey(key)) {
                    problems.add("setting '" + JobSettings.KAFKA_CLIENT_PREFIX + key + "' conflicts with " + protocolText
                            + ", whose kafka.sasl.* and kafka.ssl.* settings set it: remove the kafka.client. one");
                }
            }
        }
        boolean hasUser = !settings.get(JobSettings.KAFKA_SASL_USERNAME).isEmpty();
        boolean hasPassword = !settings.get(JobSettings.KAFKA_SASL_PASSWORD).isEmpty();
        if (protocol.usesSasl()) {
            if (!hasUser) {
                problems.add("setting '" + JobSettings.KAFKA_SASL_USERNAME.key() + "' is empty but " + protocolText
                        + " logs in with SASL: set --" + JobSettings.KAFKA_SASL_USERNAME.key() + " <user>");
            }
            if (!hasPassword) {
                problems.add("setting '" + JobSettings.KAFKA_SASL_PASSWORD.key() + "' is empty but " + protocolText
                        + " logs in with SASL: set " + JobSettings.KAFKA_SASL_PASSWORD.key()
                        + "=${env:KAFKA_SASL_PASSWORD} (the environment variable holding the password)");
            }
        } else if (hasUser || hasPassword) {
            problems.add("settings '" + JobSettings.KAFKA_SASL_USERNAME.key() + "' and '"
                    + JobSettings.KAFKA_SASL_PASSWORD.key() + "' are only used with SASL, but " + protocolText
                    + ": set " + JobSettings.KAFKA_SECURITY_PROTOCOL.key() + "=SASL_SSL (or remove them)");
        }
        boolean hasTruststore = !settings.get(JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION).isEmpty();
        if (hasTruststore && !protocol.usesTls()) {
            problems.add("setting '" + JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION.key() + "' is only used with TLS, but "
                    + protocolText + ": set " + JobSettings.KAFKA_SECURITY_PROTOCOL.key() + "=SASL_SSL or SSL (or remove it)");
        }
        if (!hasTruststore && !settings.get(JobSettings.KAFKA_SSL_TRUSTSTORE_PASSWORD).isEmpty()) {
            problems.add("setting '" + JobSettings.KAFKA_SSL_TRUSTSTORE_PASSWORD.key() + "' is set without '"
                    + JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION.key() + "': give the truststore file as well");
        }
    }

    /** Sets the client properties of the security settings; PLAINTEXT leaves the pass-through settings alone. */
    static void apply(JobSettings settings, Properties props) {
        KafkaSecurityProtocol protocol = settings.get(JobSettings.KAFKA_SECURITY_PROTOCOL);
        if (protocol == KafkaSecurityProtocol.PLAINTEXT) {
            return;
        }
        props.setProperty("security.protocol", protocol.name());
        if (protocol.usesSasl()) {
            SaslMechanism mechanism = settings.get(JobSettings.KAFKA_SASL_MECHANISM);
            props.setProperty("sasl.mechanism", mechanism.kafkaName());
            props.setProperty("sasl.jaas.config", jaasConfig(mechanism,
                    settings.get(JobSettings.KAFKA_SASL_USERNAME), settings.get(JobSettings.KAFKA_SASL_PASSWORD)));
        }
        String truststore = settings.get(JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION);
        if (protocol.usesTls() && !truststore.isEmpty()) {
            props.setProperty("ssl.truststore.location", truststore);
            String password = settings.get(JobSettings.KAFKA_SSL_TRUSTSTORE_PASSWORD);
            if (!password.isEmpty()) {
                props.setProperty("ssl.truststore.password", password);
            }
        }
    }

    /**
     * The JAAS line Kafka's clients log in with. Kafka reads it with a {@link java.io.StreamTokenizer}, so a quote or
     * backslash inside a value is escaped with a backslash.
     */
    static String jaasConfig(SaslMechanism mechanism, String user, String password) {
        return mechanism.loginModule() + " required username=" + quoted(user) + " password=" + quoted(password) + ";";
    }

    private static String quoted(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
