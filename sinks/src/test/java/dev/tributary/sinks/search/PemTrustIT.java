package dev.tributary.sinks.search;

import dev.tributary.testing.StackEnv;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trust the search sink's HTTPS client is built with ({@code search.ca-certificate}). The local stack's search
 * servers speak plain HTTP only (the Elasticsearch OSS and OpenSearch runners carry no security plugin), so the
 * TLS server here is the stack's real TLS listener that has a self-signed certificate: the Kafka broker's SASL_SSL
 * port, whose TLS handshake precedes any Kafka protocol. Hostname verification is on, as in the JDK HTTP client.
 */
class PemTrustIT {

    private static final String HOST = "127.0.0.1";
    private static final int PORT = Integer.parseInt(StackEnv.get("TRIBUTARY_KAFKA_SASL_BOOTSTRAP", "127.0.0.1:9094")
            .replaceFirst(".*:", ""));

    /** bin/stack writes the broker's certificate as PEM next to the truststore. */
    private static Path brokerPem() {
        return Path.of(StackEnv.get("TRIBUTARY_KAFKA_TRUSTSTORE", ".stack/kafka/tls/truststore.p12"))
                .resolveSibling("broker.pem");
    }

    @Test
    void aPemWithTheServersCertificateIsTrusted() {
        SSLContext context = PemTrust.sslContext(brokerPem());
        assertThatCode(() -> handshake(context)).doesNotThrowAnyException();
    }

    @Test
    void withoutItTheJvmsDefaultTrustRefusesTheServer() {
        assertThatThrownBy(() -> handshake(SSLContext.getDefault())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aFileWithoutCertificatesIsReportedByName() throws Exception {
        Path empty = Files.createTempFile("no-ca", ".pem");
        try {
            assertThatThrownBy(() -> PemTrust.sslContext(empty)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(empty.toString());
        } finally {
            Files.delete(empty);
        }
    }

    private static void handshake(SSLContext context) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, PORT)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
        }
    }
}
