package dev.tributary.sinks.search;

import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach the search cluster.
 *
 * @param baseUrl e.g. {@code https://es.example:9200} (a path prefix behind a proxy is kept)
 * @param caCertificatePem path of a PEM file with the CA to trust for HTTPS, or null for the JVM's trust store
 */
public record SearchConnection(URI baseUrl, SearchAuth auth, String caCertificatePem, Duration connectTimeout,
                               Duration requestTimeout) implements Serializable {

    public SearchConnection {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("search URL must be http or https: " + baseUrl);
        }
        if (baseUrl.getUserInfo() != null) {
            throw new IllegalArgumentException("put credentials in the environment, not in the search URL");
        }
    }

    /** {@code path} (starting with '/') resolved against the base URL, keeping a proxy path prefix. */
    URI resolve(String path) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }
}
