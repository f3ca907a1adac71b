package dev.tributary.operators.assets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UrlGuardTest {

    /** A fixed DNS table, so the test does not depend on the machine's resolver. */
    private static final UrlGuard.Resolver DNS = host -> {
        Map<String, String> table = Map.of(
                "cdn.example.com", "93.184.216.34",
                "internal.example.com", "10.1.2.3",
                "metadata.example.com", "169.254.169.254",
                "mixed.example.com", "93.184.216.34");
        if (host.equals("mixed.example.com")) {
            return new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")};
        }
        String ip = table.get(host);
        if (ip == null) {
            if (host.matches("[0-9a-f:.]+")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(ip)};
    };

    private final UrlGuard strict = new UrlGuard(List.of(), false, DNS);

    @Test
    void publicHttpAndHttpsPass() {
        assertThatCode(() -> strict.check(URI.create("https://cdn.example.com/a.jpg"))).doesNotThrowAnyException();
        assertThatCode(() -> strict.check(URI.create("http://cdn.example.com:8080/a.jpg"))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:8080/a.jpg", "http://[::1]/a.jpg", "http://internal.example.com/a.jpg",
            "http://metadata.example.com/latest/meta-data/", "http://169.254.169.254/latest/meta-data/",
            "http://0.0.0.0/", "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/",
            "http://[fd00::1]/", "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://mixed.example.com/a.jpg",
            "file:///etc/passwd", "ftp://cdn.example.com/a.jpg", "gopher://cdn.example.com/", "http://user:pw@cdn.example.com/",
            "http://nowhere.example.com/a.jpg",
            // IPv6 transition forms, judged by the IPv4 address they carry
            "http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "http://[64:ff9b:1::a00:1]/",
            "http://[2002:a00:1::1]/", "http://[2002:7f00:1::]/", "http://[2001:0:a9fe:a9fe::1]/",
            "http://[2001:0:5ef5:79fd:0:0:f5ff:fffe]/", "http://[::7f00:1]/", "http://[::a00:1]/"})
    void internalAddressesOtherSchemesAndUnknownHostsAreRefused(String url) {
        assertThatThrownBy(() -> strict.check(URI.create(url))).isInstanceOf(UrlGuard.RefusedUrlException.class);
    }

    @Test
    void addressesAreTheOnesCheckedInOneLookup() throws Exception {
        // what the downloader's HTTP client connects to: every address of the host, all of them checked
        assertThat(strict.addresses("cdn.example.com")).containsExactly(InetAddress.getByName("93.184.216.34"));
        assertThatThrownBy(() -> strict.addresses("mixed.example.com")).isInstanceOf(UrlGuard.RefusedUrlException.class)
                .hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> strict.addresses("nowhere.example.com")).isInstanceOf(UrlGuard.RefusedUrlException.class);
        // an allow-listed host connects wherever it resolves
        assertThat(new UrlGuard(List.of("internal.example.com"), false, DNS).addresses("Internal.Example.com"))
                .containsExactly(InetAddress.getByName("10.1.2.3"));
    }

    @Test
    void allowListedHostsAndPrivateNetworkModePass() throws UnknownHostException {
        UrlGuard allowListed = new UrlGuard(List.of("127.0.0.1", "Internal.Example.com"), false, DNS);
        assertThatCode(() -> allowListed.check(URI.create("http://127.0.0.1:8080/a.jpg"))).doesNotThrowAnyException();
        assertThatCode(() -> allowListed.check(URI.create("http://internal.example.com/a.jpg"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> allowListed.check(URI.create("http://metadata.example.com/")))
                .isInstanceOf(UrlGuard.RefusedUrlException.class).hasMessageContaining("169.254.169.254");

        UrlGuard privateOk = new UrlGuard(List.of(), true, DNS);
        assertThatCode(() -> privateOk.check(URI.create("http://10.9.9.9/a.jpg"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> privateOk.check(URI.create("file:///etc/passwd"))).isInstanceOf(UrlGuard.RefusedUrlException.class);

        assertThat(UrlGuard.isInternal(InetAddress.getByName("8.8.8.8"))).isFalse();
        assertThat(UrlGuard.isInternal(InetAddress.getByName("2001:4860:4860::8888"))).isFalse();
        // transition forms carrying a public address pass
        assertThat(UrlGuard.isInternal(InetAddress.getByName("64:ff9b::808:808"))).isFalse();
        assertThat(UrlGuard.isInternal(InetAddress.getByName("2002:808:808::1"))).isFalse();
        assertThat(UrlGuard.isInternal(InetAddress.getByName("2001:0:5ef5:79fd:0:0:f7f7:f7f7"))).as("Teredo, client 8.8.8.8").isFalse();
    }

    @Test
    void aUrlLongerThanTheBoundIsRefused() {
        String path = "/" + "a".repeat(UrlGuard.MAX_URL_LENGTH);
        assertThatThrownBy(() -> strict.check(URI.create("https://cdn.example.com" + path)))
                .isInstanceOf(UrlGuard.RefusedUrlException.class).hasMessageContaining("more than 2048");
        assertThatCode(() -> strict.check(URI.create("https://cdn.example.com/" + "a".repeat(2000)))).doesNotThrowAnyException();
    }
}
