package dev.tributary.pipeline.config;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Before the job is submitted: one admin request with the job's own Kafka client settings, so a TLS handshake
 * the client does not trust or a SASL login the broker refuses stops the submission with a message naming the
 * setting, instead of a job that restarts forever on the cluster. Kafka's error messages never carry the
 * password, and neither do the messages made here.
 */
final class KafkaPreflight {

    /**
     * How long the login may take. Generous: a TLS handshake and SCRAM login from a cold client JVM took over 5 s on a
     * busy 2-core machine right after a broker restart, while a refused login or an untrusted certificate is answered
     * at once; only a protocol that does not match the listener waits this long.
     */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KafkaPreflight() {}

    static void check(JobSettings settings, Duration timeout) {
        Properties props = settings.kafkaClientProperties();
        props.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "tributary-preflight");
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        // a refused login is final: no reconnect storm while we wait for the answer
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        String servers = String.join(",", settings.get(JobSettings.KAFKA_BOOTSTRAP));
        String protocol = String.valueOf(props.getOrDefault("security.protocol", "PLAINTEXT"));
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new InvalidSettingsException(List.of(explain(e.getCause(), settings, servers, protocol)));
        } catch (TimeoutException e) {
            throw new InvalidSettingsException(List.of(timedOut(servers, protocol, timeout)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidSettingsException(List.of("interrupted while checking the Kafka settings"));
        } catch (RuntimeException e) {
            // Admin.create fails on local client settings: e.g. a truststore that cannot be read
            throw new InvalidSettingsException(List.of("the Kafka client settings cannot be used: " + messages(e)
                    + ". Check " + JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION.key() + " (a readable PKCS12 or JKS file),"
                    + " " + JobSettings.KAFKA_SSL_TRUSTSTORE_PASSWORD.key() + " and the kafka.client.* settings"));
        }
    }

    private static String explain(Throwable cause, JobSettings settings, String servers, String protocol) {
        if (cause instanceof SaslAuthenticationException) {
            return "setting '" + JobSettings.KAFKA_SASL_PASSWORD.key() + "': Kafka at " + servers + " refused the SASL "
                    + "login of user '" + settings.get(JobSettings.KAFKA_SASL_USERNAME) + "' (" + cause.getMessage()
                    + "). Fix " + JobSettings.KAFKA_SASL_USERNAME.key() + ", " + JobSettings.KAFKA_SASL_MECHANISM.key()
                    + " or the password in the environment variable " + JobSettings.KAFKA_SASL_PASSWORD.key() + " reads";
        }
        if (cause instanceof SslAuthenticationException) {
            return "setting '" + JobSettings.KAFKA_SSL_TRUSTSTORE_LOCATION.key() + "': the TLS handshake with Kafka at "
                    + servers + " failed (" + messages(cause) + "). Give a truststore holding the CA of the broker's"
                    + " certificate, and a bootstrap address the certificate names";
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return timedOut(servers, protocol, null);
        }
        return "setting '" + JobSettings.KAFKA_BOOTSTRAP.key() + "': Kafka at " + servers + " did not accept the client"
                + " settings (" + messages(cause) + ")";
    }

    private static String timedOut(String servers, String protocol, Duration timeout) {
        return "setting '" + JobSettings.KAFKA_SECURITY_PROTOCOL.key() + "': Kafka at " + servers + " accepts connections"
                + " but did not answer with security.protocol=" + protocol + (timeout == null ? "" : " within " + timeout.toSeconds() + " s")
                + ". Use the protocol of that listener (e.g. SASL_SSL on a TLS port, PLAINTEXT on a plaintext one)";
    }

    /** The messages of an exception and its causes, for a one-line explanation. */
    private static String messages(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
            if (t.getMessage() != null && !parts.contains(t.getMessage())) {
                parts.add(t.getMessage());
            }
        }
        return String.join(": ", parts);
    }
}
