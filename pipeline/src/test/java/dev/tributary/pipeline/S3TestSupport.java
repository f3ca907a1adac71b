package dev.tributary.pipeline;

import dev.tributary.events.RawEvent;
import dev.tributary.testing.StackEnv;

import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stack's S3 API server (S3Proxy) for tests: Flink's {@code s3://} filesystem loaded from the
 * {@code flink-s3-fs-hadoop} plugin (copied to {@code target/plugins/} by the build; surefire points
 * {@code FLINK_PLUGINS_DIR} there) and a plain AWS SDK client to check what the job wrote.
 */
public final class S3TestSupport {

    private S3TestSupport() {}

    /** Makes {@code s3://} work in this JVM (client and MiniCluster) the way the cluster's config.yaml does. */
    public static void initializeFileSystems() {
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", StackEnv.s3Endpoint());
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", StackEnv.s3AccessKey());
        conf.setString("s3.secret-key", StackEnv.s3SecretKey());
        // a misconfigured endpoint otherwise hangs for minutes in S3A's default retries
        conf.setString("s3.attempts.maximum", "3");
        conf.setString("s3.retry.limit", "3");
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
    }

    public static S3Client client() {
        return S3Client.builder()
                .endpointOverride(URI.create(StackEnv.s3Endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(StackEnv.s3AccessKey(), StackEnv.s3SecretKey())))
                .build();
    }

    public static String bucket() {
        return StackEnv.s3Bucket();
    }

    /** Every object under the prefix (all pages). */
    public static List<S3Object> list(S3Client s3, String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket()).prefix(prefix).build())
                .contents().stream().toList();
    }

    public static byte[] get(S3Client s3, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket()).key(key)).asByteArray();
    }

    public static void put(S3Client s3, String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket()).key(key), RequestBody.fromBytes(bytes));
    }

    /**
     * The raw zone's committed part files under the prefix: the FileSink's in-progress and pending files start
     * with '_' or '.', so readers that take only {@code part-*} see exactly what checkpoints committed.
     */
    public static List<S3Object> committedPartFiles(S3Client s3, String prefix) {
        return list(s3, prefix).stream().filter(o -> o.key().substring(o.key().lastIndexOf('/') + 1).startsWith("part-"))
                .toList();
    }

    /** The {@link RawEvent}s of one Avro container file of the raw zone. */
    public static List<RawEvent> rawEvents(S3Client s3, String key) throws IOException {
        List<RawEvent> events = new ArrayList<>();
        try (InputStream bytes = new ByteArrayInputStream(get(s3, key));
             DataFileStream<RawEvent> in = new DataFileStream<>(bytes, new SpecificDatumReader<>(RawEvent.class))) {
            in.forEach(events::add);
        }
        return events;
    }
}
