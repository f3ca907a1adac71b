package dev.tributary.bench;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.RawEvent;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.pipeline.lake.LandingFormat;
import dev.tributary.sinks.rawzone.RawZoneSink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The lake flow's two costs against the local S3 API server (S3Proxy), in one run:
 * <ol>
 *   <li>landing → raw zone: N files (default 200 × 256 KB) read by the landing FileSource ({@link LandingFormat}:
 *   copy while hashing into {@code objects/sha256/}) on a MiniCluster (parallelism 2), vs a plain AWS SDK
 *   {@code putObject} of the same files, one after the other; MB/s, files/s and their ratio;</li>
 *   <li>raw zone part files at the demo's rate (DemoFeeder: 20 records/s across flows) for S seconds with the
 *   cluster's 10 s checkpoint interval: committed part files and bytes, extrapolated to one hour.</li>
 * </ol>
 * Args: {@code [files] [fileKb] [rawZoneSeconds]}. S3 from TRIBUTARY_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY /
 * _BUCKET; the s3-fs-hadoop plugin from FLINK_PLUGINS_DIR (bench/target/plugins after the build).
 */
public final class LandingBench {

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int fileKb = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rawSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        String endpoint = env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000");
        String bucket = env("TRIBUTARY_S3_BUCKET", "tributary");
        String run = "bench-lake-" + Instant.now().getEpochSecond();

        Configuration fs = new Configuration();
        fs.setString("s3.endpoint", endpoint);
        fs.setString("s3.path.style.access", "true");
        fs.setString("s3.access-key", env("TRIBUTARY_S3_ACCESS_KEY", ""));
        fs.setString("s3.secret-key", env("TRIBUTARY_S3_SECRET_KEY", ""));
        FileSystem.initialize(fs, PluginUtils.createPluginManagerFromRootFolder(fs));

        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        env("TRIBUTARY_S3_ACCESS_KEY", ""), env("TRIBUTARY_S3_SECRET_KEY", "")))).build()) {
            // warm-up: JIT, class loading, the first MiniCluster start, the S3 connection pools
            Path warm = landingFiles(20, fileKb, 1);
            runLanding(fs, warm, URI.create("s3://" + bucket + "/" + run + "/warmup"));
            runDirect(s3, bucket, run + "/warmup-direct", warm);

            Path landing = landingFiles(files, fileKb, 2);
            double mb = files * (double) fileKb / 1024;
            long directNanos = runDirect(s3, bucket, run + "/direct", landing);
            long flinkNanos = runLanding(fs, landing, URI.create("s3://" + bucket + "/" + run + "/raw"));
            int stored = list(s3, bucket, run + "/raw/objects/sha256/").size();
            if (stored != files) {
                throw new IllegalStateException("expected " + files + " stored objects, found " + stored);
            }
            double directS = directNanos / 1e9;
            double flinkS = flinkNanos / 1e9;
            System.out.printf(Locale.ROOT, "landing -> raw zone: %d files x %d KB (%.1f MB)%n", files, fileKb, mb);
            System.out.printf(Locale.ROOT, "  S3 client putObject:      %6.2f s  %6.1f MB/s  %6.1f files/s%n", directS, mb / directS, files / directS);
            System.out.printf(Locale.ROOT, "  Flink landing (whole job): %6.2f s  %6.1f MB/s  %6.1f files/s  ratio %.2f%n",
                    flinkS, mb / flinkS, files / flinkS, directS / flinkS);

            runRawZoneAtDemoRate(s3, bucket, run, rawSeconds);
        }
    }

    private static long runLanding(Configuration fs, Path landing, URI rawZone) throws Exception {
        Configuration conf = new Configuration(fs);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        FileSource<CatalogEntry> source = FileSource.forBulkFileFormat(
                new LandingFormat(rawZone, "bench", "lake-landing-source"),
                new org.apache.flink.core.fs.Path(landing.toUri())).build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "landing").uid("bench-landing").name("landing")
                .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
        long start = System.nanoTime();
        env.execute("landing-bench");
        return System.nanoTime() - start;
    }

    private static long runDirect(S3Client s3, String bucket, String prefix, Path landing) throws Exception {
        List<Path> paths;
        try (var stream = Files.list(landing)) {
            paths = stream.sorted().toList();
        }
        long start = System.nanoTime();
        for (Path p : paths) {
            s3.putObject(b -> b.bucket(bucket).key(prefix + "/" + p.getFileName()), RequestBody.fromFile(p));
        }
        return System.nanoTime() - start;
    }

    private static void runRawZoneAtDemoRate(S3Client s3, String bucket, String run, int seconds) throws Exception {
        int rate = 20;
        long records = (long) rate * seconds;
        String[] flows = {"telemetry", "telemetry", "telemetry", "observations", "assets"};
        HoverboardReading sample = HoverboardReading.newBuilder().setDeviceId("device-17").setSeq(1)
                .setEventTime(Instant.now()).setBatteryPct(80).setTemperatureC(21.5).build();
        byte[] payload = AvroEventSerializer.encode(sample);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(Duration.ofSeconds(10).toMillis()); // flink-conf/config.yaml
        DataGeneratorSource<RawEvent> gen = new DataGeneratorSource<>(
                i -> RawEvent.newBuilder().setFlow(flows[(int) (i % flows.length)]).setType("bench")
                        .setKey("device-" + (i % 50)).setIngestedAt(Instant.now()).setPayload(ByteBuffer.wrap(payload)).build(),
                records, RateLimiterStrategy.perSecond(rate), new AvroTypeInfo<>(RawEvent.class));
        env.fromSource(gen, WatermarkStrategy.noWatermarks(), "demo-rate").uid("bench-gen").name("demo rate")
                .sinkTo(RawZoneSink.forRoot(URI.create("s3://" + bucket + "/" + run + "/rate"))).uid("bench-raw").name("raw zone");
        long start = System.nanoTime();
        env.execute("raw-zone-rate-bench");
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<S3Object> parts = list(s3, bucket, run + "/rate/events/").stream()
                .filter(o -> o.key().substring(o.key().lastIndexOf('/') + 1).startsWith("part-")).toList();
        long bytes = parts.stream().mapToLong(S3Object::size).sum();
        double perHour = 3600 / elapsed;
        System.out.printf(Locale.ROOT, "raw zone at %d records/s for %.0f s (checkpoint 10 s, parallelism 2, %d flows):%n",
                rate, elapsed, 3);
        System.out.printf(Locale.ROOT, "  %d part files, %d bytes (avg %.1f KB); per hour: ~%.0f files, ~%.1f MB%n",
                parts.size(), bytes, parts.isEmpty() ? 0 : bytes / 1024.0 / parts.size(), parts.size() * perHour,
                bytes * perHour / 1024 / 1024);
    }

    private static Path landingFiles(int count, int kb, long seed) throws Exception {
        Path dir = Files.createTempDirectory("landing-bench");
        Random random = new Random(seed);
        byte[] bytes = new byte[kb * 1024];
        for (int i = 0; i < count; i++) {
            random.nextBytes(bytes);
            Files.write(dir.resolve(String.format(Locale.ROOT, "file-%05d.bin", i)), bytes);
        }
        return dir;
    }

    private static List<S3Object> list(S3Client s3, String bucket, String prefix) {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
                .contents().stream().toList();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
