package dev.tributary.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Connection settings of the local stack for integration tests.
 *
 * <p>Values come from the environment (bin/test sources {@code .stack/env}); when a variable is absent the
 * {@code .stack/env} file of the checkout is read directly, so an IDE run works after {@code bin/stack up}.
 */
public final class StackEnv {

    private static final Map<String, String> FILE = readStackEnvFile();

    private StackEnv() {}

    public static String kafkaBootstrap() {
        return get("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }

    /** The optional edge broker ({@code bin/stack up edge-kafka}). */
    public static String edgeKafkaBootstrap() {
        return get("TRIBUTARY_EDGE_KAFKA_BOOTSTRAP", "127.0.0.1:19093");
    }

    public static String pgUrl() {
        return get("TRIBUTARY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/tributary");
    }

    public static String pgUser() {
        return get("TRIBUTARY_PG_USER", "tributary");
    }

    public static String pgPassword() {
        return get("TRIBUTARY_PG_PASSWORD", "");
    }

    public static String esUrl() {
        return get("TRIBUTARY_ES_URL", "http://127.0.0.1:9200");
    }

    public static String openSearchUrl() {
        return get("TRIBUTARY_OPENSEARCH_URL", "http://127.0.0.1:9201");
    }

    public static String s3Endpoint() {
        return get("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000");
    }

    public static String s3AccessKey() {
        return get("TRIBUTARY_S3_ACCESS_KEY", "");
    }

    public static String s3SecretKey() {
        return get("TRIBUTARY_S3_SECRET_KEY", "");
    }

    public static String s3Bucket() {
        return get("TRIBUTARY_S3_BUCKET", "tributary");
    }

    public static String flinkRest() {
        return get("TRIBUTARY_FLINK_REST", "http://127.0.0.1:8081");
    }

    /** The checkout's root (the directory holding the parent pom), found upwards from the working dir. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("bin")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
    }

    public static String get(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            value = FILE.get(name);
        }
        return value == null || value.isEmpty() ? fallback : value;
    }

    private static Map<String, String> readStackEnvFile() {
        Map<String, String> values = new HashMap<>();
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path env = dir.resolve(".stack/env");
            if (Files.isRegularFile(env)) {
                try {
                    for (String line : Files.readAllLines(env)) {
                        String l = line.strip();
                        if (l.startsWith("export ")) {
                            l = l.substring("export ".length());
                        }
                        int eq = l.indexOf('=');
                        if (l.isEmpty() || l.startsWith("#") || eq < 0) {
                            continue;
                        }
                        String v = l.substring(eq + 1);
                        if (v.length() >= 2 && (v.startsWith("'") && v.endsWith("'") || v.startsWith("\"") && v.endsWith("\""))) {
                            v = v.substring(1, v.length() - 1);
                        }
                        values.put(l.substring(0, eq), v);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + env, e);
                }
                break;
            }
            dir = dir.getParent();
        }
        return values;
    }
}
