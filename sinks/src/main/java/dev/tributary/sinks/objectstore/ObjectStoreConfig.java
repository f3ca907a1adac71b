package dev.tributary.sinks.objectstore;

import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to reach the object store; shipped to the TaskManagers with the job, which open their own clients.
 *
 * @param location  {@code s3://bucket} or {@code file:///directory}
 * @param endpoint  S3 API endpoint with scheme (e.g. {@code http://127.0.0.1:9000}); empty for AWS itself
 * @param region    signing region
 * @param pathStyle path-style requests ({@code endpoint/bucket/key}); S3-compatible local stores need it
 * @param accessKey empty to use the AWS default credentials chain (instance profile, env, ...)
 * @param secretKey never printed
 */
public record ObjectStoreConfig(URI location, String endpoint, String region, boolean pathStyle,
                                String accessKey, String secretKey) implements Serializable {

    public ObjectStoreConfig {
        String scheme = location.getScheme() == null ? "" : location.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("s3") && !scheme.equals("file")) {
            throw new IllegalArgumentException("object store location must be s3://bucket or file:///dir, not " + location);
        }
        if (scheme.equals("s3") && (location.getHost() == null || location.getHost().isEmpty())) {
            throw new IllegalArgumentException("object store location " + location + " names no bucket");
        }
    }

    public static ObjectStoreConfig s3(String bucket, String endpoint, String region, boolean pathStyle,
            String accessKey, String secretKey) {
        return new ObjectStoreConfig(URI.create("s3://" + bucket), endpoint, region, pathStyle, accessKey, secretKey);
    }

    public static ObjectStoreConfig local(Path directory) {
        return new ObjectStoreConfig(directory.toAbsolutePath().toUri(), "", "", false, "", "");
    }

    public boolean isLocal() {
        return location.getScheme().equalsIgnoreCase("file");
    }

    /** Opens a client; the caller closes it. */
    public ObjectStore open() {
        return isLocal() ? new FileSystemObjectStore(location) : new S3ObjectStore(this);
    }

    @Override
    public String toString() {
        return "ObjectStoreConfig[" + location + (endpoint.isEmpty() ? "" : " via " + endpoint) + ", region=" + region
                + ", pathStyle=" + pathStyle + ", accessKey=" + (accessKey.isEmpty() ? "(default chain)" : "******") + "]";
    }
}
