package dev.tributary.sinks.search;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchAuthTest {

    private static final Map<String, String> ENV = Map.of("ES_USER", "elastic", "ES_PASSWORD", "s3cr3t:pw", "ES_API_KEY", "aWQ6a2V5");

    @Test
    void basicAuthIsBuiltFromTheNamedVariables() {
        String header = SearchAuth.basicFromEnv("ES_USER", "ES_PASSWORD").authorizationHeader(ENV::get);

        assertThat(header).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(header.substring(6)))).isEqualTo("elastic:s3cr3t:pw");
    }

    @Test
    void apiKeyHeaderAndNoAuth() {
        assertThat(SearchAuth.apiKeyFromEnv("ES_API_KEY").authorizationHeader(ENV::get)).isEqualTo("ApiKey aWQ6a2V5");
        assertThat(SearchAuth.none().authorizationHeader(ENV::get)).isNull();
    }

    @Test
    void aMissingVariableIsNamedButNoSecretIsPrinted() {
        assertThatThrownBy(() -> SearchAuth.basicFromEnv("ES_USER", "NOT_SET").authorizationHeader(ENV::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("NOT_SET")
                .hasMessageNotContaining("elastic");
    }

    @Test
    void theSinkCarriesOnlyVariableNames() {
        SearchSink<String> sink = SearchSink.<String>builder()
                .url("https://es.example:9200")
                .documentMapper(s -> SearchAction.index("i", s, null, "{}"))
                .basicAuthFromEnv("ES_USER", "ES_PASSWORD")
                .failOnRejectedDocuments()
                .build();
        SearchAuth auth = SearchAuth.basicFromEnv("ES_USER", "ES_PASSWORD");

        assertThat(sink.toString()).doesNotContain("s3cr3t");
        assertThat(auth.toString()).contains("ES_PASSWORD").doesNotContain("s3cr3t");
    }

    @Test
    void credentialsInTheUrlAreRefused() {
        assertThatThrownBy(() -> SearchSink.<String>builder()
                .url("https://elastic:pw@es.example:9200")
                .documentMapper(s -> SearchAction.index("i", s, null, "{}"))
                .failOnRejectedDocuments()
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void aPemCaCertificateBecomesAnSslContext(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("ca.p12");
        Path pem = dir.resolve("ca.pem");
        run(dir, "keytool", "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=tributary-test-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", keystore.toString(), "-storepass", "changeit", "-storetype", "PKCS12");
        run(dir, "keytool", "-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());

        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(PemTrust.sslContext(pem).getProtocol()).isEqualTo("TLS");

        Path notPem = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> PemTrust.sslContext(notPem)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.pem");
    }

    private static void run(Path dir, String... command) throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", command[0]).toString();
        command[0] = keytool;
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }
}
