package dev.tributary.ingest.lake;

import dev.tributary.operators.lake.UploadSidecar;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the lake door writes and reads, from the environment; the door is off unless the owners are set.
 *
 * @param landing        where uploads land for the lake flow to store and catalogue (TRIBUTARY_LAKE_LANDING: the
 *                       job's {@code lake.landing}, s3://bucket/prefix)
 * @param rawZone        where the lake flow stores objects, served by download (TRIBUTARY_LAKE_RAW_ZONE: the job's
 *                       {@code lake.raw-zone})
 * @param owners         who may own an upload (TRIBUTARY_LAKE_OWNERS, comma-separated); any other owner is refused
 * @param maxUploadBytes the largest upload (TRIBUTARY_LAKE_MAX_UPLOAD_BYTES, 256 MiB)
 * @param s3Endpoint     the object store (TRIBUTARY_S3_ENDPOINT; empty = AWS), its keys TRIBUTARY_S3_ACCESS_KEY and
 *                       TRIBUTARY_S3_SECRET_KEY (empty = the AWS default credential chain); never logged
 */
public record LakeDoorSettings(URI landing, URI rawZone, Set<String> owners, long maxUploadBytes, String s3Endpoint,
                               String s3AccessKey, String s3SecretKey) {

    public static final long DEFAULT_MAX_UPLOAD_BYTES = 256L * 1024 * 1024;

    public LakeDoorSettings {
        owners = Set.copyOf(owners);
    }

    /** The door's settings, or empty when TRIBUTARY_LAKE_OWNERS is not set; throws naming every bad variable. */
    public static Optional<LakeDoorSettings> fromEnv(Map<String, String> env) {
        String ownerList = env.getOrDefault("TRIBUTARY_LAKE_OWNERS", "").trim();
        if (ownerList.isEmpty()) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        Set<String> owners = new LinkedHashSet<>();
        for (String owner : Arrays.stream(ownerList.split(",")).map(String::trim).filter(o -> !o.isEmpty()).toList()) {
            if (!UploadSidecar.OWNER.matcher(owner).matches()) {
                problems.add("TRIBUTARY_LAKE_OWNERS: '" + owner + "' is not an owner name (1-64 of a-z, 0-9, '.', '_', '-')");
            }
            owners.add(owner);
        }
        URI landing = s3(env, "TRIBUTARY_LAKE_LANDING", problems);
        URI raw = s3(env, "TRIBUTARY_LAKE_RAW_ZONE", problems);
        long max = DEFAULT_MAX_UPLOAD_BYTES;
        String maxText = env.getOrDefault("TRIBUTARY_LAKE_MAX_UPLOAD_BYTES", "").trim();
        if (!maxText.isEmpty()) {
            try {
                max = Long.parseLong(maxText);
                if (max < 1) {
                    problems.add("TRIBUTARY_LAKE_MAX_UPLOAD_BYTES must be positive, not " + max);
                }
            } catch (NumberFormatException e) {
                problems.add("TRIBUTARY_LAKE_MAX_UPLOAD_BYTES: '" + maxText + "' is not a number of bytes");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("lake door settings: " + String.join("; ", problems));
        }
        return Optional.of(new LakeDoorSettings(landing, raw, owners, max, env.getOrDefault("TRIBUTARY_S3_ENDPOINT", ""),
                env.getOrDefault("TRIBUTARY_S3_ACCESS_KEY", ""), env.getOrDefault("TRIBUTARY_S3_SECRET_KEY", "")));
    }

    public LakeDoorSettings withMaxUploadBytes(long bytes) {
        return new LakeDoorSettings(landing, rawZone, owners, bytes, s3Endpoint, s3AccessKey, s3SecretKey);
    }

    /** The bucket of a location. */
    static String bucket(URI location) {
        return location.getHost();
    }

    /** The key prefix of a location, without slashes at either end ("" for the bucket's root). */
    static String prefix(URI location) {
        String path = location.getPath() == null ? "" : location.getPath();
        return path.replaceAll("^/+", "").replaceAll("/+$", "");
    }

    private static URI s3(Map<String, String> env, String name, List<String> problems) {
        String value = env.getOrDefault(name, "").trim();
        try {
            URI uri = URI.create(value);
            if ("s3".equals(uri.getScheme()) && uri.getHost() != null) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(name + ": '" + value + "' is not an s3://bucket/prefix location (the job's lake settings)");
        return URI.create("s3://invalid/");
    }

    @Override
    public String toString() { // no secrets in logs
        return "LakeDoorSettings[landing " + landing + ", raw zone " + rawZone + ", owners " + owners + ", max upload "
                + maxUploadBytes + " bytes, store " + (s3Endpoint.isEmpty() ? "AWS" : s3Endpoint) + "]";
    }
}
