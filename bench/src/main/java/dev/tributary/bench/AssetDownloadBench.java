package dev.tributary.bench;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetState;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.sinks.assets.DownloadFunction;
import dev.tributary.sinks.assets.DownloadLimits;
import dev.tributary.samples.SampleAssetServer;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.operators.assets.Sha256;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.legacy.DiscardingSink;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Assets downloaded and stored per second through the assets flow's download operator (a MiniCluster job:
 * generated announcements → {@link DownloadFunction} in {@code AsyncDataStream.unorderedWait}) against a plain
 * loop with the same concurrency: JDK {@code HttpClient.sendAsync} + S3 async {@code putObject} of the bytes, no
 * checks. Same sample server, same S3 store (S3Proxy), same run. Prints both rates, their ratio, and the p99
 * download latency the operator's own histogram measured.
 *
 * <p>Args: {@code [assets (default 2000)] [concurrency (default 16)] [image pixels (default 48)]}. S3 from
 * TRIBUTARY_S3_ENDPOINT / _ACCESS_KEY / _SECRET_KEY / _BUCKET.
 */
public final class AssetDownloadBench {

    public static void main(String[] args) throws Exception {
        int assets = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int pixels = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        String run = Long.toString(System.currentTimeMillis(), 36);
        ObjectStoreConfig store = ObjectStoreConfig.s3(env("TRIBUTARY_S3_BUCKET", "tributary"),
                env("TRIBUTARY_S3_ENDPOINT", "http://127.0.0.1:9000"), "us-east-1", true,
                env("TRIBUTARY_S3_ACCESS_KEY", ""), env("TRIBUTARY_S3_SECRET_KEY", ""));

        try (SampleAssetServer server = SampleAssetServer.start(0, pixels)) {
            // the files are generated before timing, so both sides measure transfer and storage only
            for (int i = 0; i < assets; i++) {
                server.bytesOf(path("plain-" + run, i));
                server.bytesOf(path("job-" + run, i));
                server.bytesOf(path("warmup-" + run, i % 200));
            }
            runJob(server, store, "warmup-" + run, 200, concurrency);

            long[] plainLatencies = new long[assets];
            long plainNanos = runPlain(server, store, "plain-" + run, assets, concurrency, plainLatencies);
            JobResult job = runJob(server, store, "job-" + run, assets, concurrency);

            double plainRate = assets / (plainNanos / 1e9);
            double jobRate = assets / (job.wallNanos / 1e9);
            double steadyRate = (assets - 1) / (job.lastCompletion - job.firstCompletion + 1e-9) * 1e9;
            Arrays.sort(plainLatencies);
            System.out.printf(Locale.ROOT, "assets: %d of ~%d bytes, concurrency %d%n", assets,
                    server.bytesOf(path("job-" + run, 0)).length, concurrency);
            System.out.printf(Locale.ROOT, "plain HttpClient + S3 putObject loop: %7.0f assets/s (%.2f s), p99 %d ms%n",
                    plainRate, plainNanos / 1e9, plainLatencies[(int) (assets * 0.99) - 1] / 1_000_000);
            System.out.printf(Locale.ROOT, "download operator, whole job:         %7.0f assets/s (%.2f s, incl. job start/stop)%n",
                    jobRate, job.wallNanos / 1e9);
            System.out.printf(Locale.ROOT, "download operator, first to last:     %7.0f assets/s%n", steadyRate);
            System.out.printf(Locale.ROOT, "operator p99 download latency (last 1000): %.0f ms, p50 %.0f ms%n",
                    job.p99Millis, job.p50Millis);
            System.out.printf(Locale.ROOT, "ratio operator/plain: %.2f (whole job), %.2f (first to last)%n",
                    jobRate / plainRate, steadyRate / plainRate);
        }
    }

    private static String path(String prefix, int i) {
        return "/img/" + prefix + "-" + i + ".png";
    }

    private static long runPlain(SampleAssetServer server, ObjectStoreConfig store, String prefix, int assets,
            int concurrency, long[] latencies) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(10)).build();
        try (S3AsyncClient s3 = S3AsyncClient.builder().region(Region.US_EAST_1).forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .endpointOverride(URI.create(store.endpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(store.accessKey(), store.secretKey())))
                .build()) {
            Semaphore permits = new Semaphore(concurrency);
            AtomicInteger failures = new AtomicInteger();
            CompletableFuture<?>[] all = new CompletableFuture<?>[assets];
            long start = System.nanoTime();
            for (int i = 0; i < assets; i++) {
                permits.acquire();
                int n = i;
                long t0 = System.nanoTime();
                all[i] = http.sendAsync(HttpRequest.newBuilder(URI.create(server.url(path(prefix, n)))).build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .thenCompose(r -> {
                            byte[] body = r.body();
                            String sha = Sha256.hex(body);
                            return s3.putObject(PutObjectRequest.builder().bucket(store.location().getHost())
                                    .key("assets/sha256/" + sha).contentType("image/png").build(), AsyncRequestBody.fromBytes(body));
                        })
                        .whenComplete((r, e) -> {
                            latencies[n] = System.nanoTime() - t0;
                            if (e != null) {
                                failures.incrementAndGet();
                            }
                            permits.release();
                        });
            }
            CompletableFuture.allOf(all).join();
            long nanos = System.nanoTime() - start;
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " plain downloads failed");
            }
            return nanos;
        } finally {
            executor.shutdownNow();
        }
    }

    record JobResult(long wallNanos, long firstCompletion, long lastCompletion, double p99Millis, double p50Millis) {}

    /** Completion times of the job's outcomes, and a failure count (the MiniCluster shares this JVM). */
    static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    static final AtomicLong LAST = new AtomicLong();
    static final AtomicInteger NOT_STORED = new AtomicInteger();

    private static JobResult runJob(SampleAssetServer server, ObjectStoreConfig store, String prefix, int assets,
            int concurrency) throws Exception {
        FIRST.set(Long.MAX_VALUE);
        LAST.set(0);
        NOT_STORED.set(0);
        LatencyReporter.HISTOGRAM.set(null);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.setString("metrics.reporter.bench.factory.class", LatencyReporter.Factory.class.getName());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        String base = server.url("/img/" + prefix + "-");
        DataGeneratorSource<AssetAnnounced> source = new DataGeneratorSource<>(
                i -> AssetAnnounced.newBuilder().setAssetId(prefix + "-" + i).setSource("bench").setTitle("bench")
                        .setMediaType("image/png").setUrl(base + i + ".png").setPublishedAt(Instant.EPOCH).build(),
                assets, new AvroTypeInfo<>(AssetAnnounced.class));
        DownloadLimits limits = new DownloadLimits(16 << 20, Set.copyOf(DownloadLimits.DEFAULT_MEDIA_TYPES), 5,
                Duration.ofSeconds(10), Duration.ofMinutes(1));
        AsyncDataStream.unorderedWait(env.fromSource(source, WatermarkStrategy.noWatermarks(), "announcements"),
                        new DownloadFunction(store, limits, UrlGuard.withSystemResolver(List.of("127.0.0.1"), false), 4, concurrency),
                        2, TimeUnit.MINUTES, concurrency)
                .returns(new AvroTypeInfo<>(DownloadOutcome.class))
                .map(o -> {
                    long now = System.nanoTime();
                    FIRST.accumulateAndGet(now, Math::min);
                    LAST.accumulateAndGet(now, Math::max);
                    if (o.getStatus().getState() != AssetState.STORED) {
                        NOT_STORED.incrementAndGet();
                    }
                    return 0;
                }).returns(Types.INT)
                .addSink(new DiscardingSink<>());
        long start = System.nanoTime();
        env.execute("asset download bench");
        long wall = System.nanoTime() - start;
        if (NOT_STORED.get() > 0) {
            throw new IllegalStateException(NOT_STORED.get() + " job downloads were not stored");
        }
        Histogram h = LatencyReporter.HISTOGRAM.get();
        double p99 = h == null ? Double.NaN : h.getStatistics().getQuantile(0.99);
        double p50 = h == null ? Double.NaN : h.getStatistics().getQuantile(0.5);
        return new JobResult(wall, FIRST.get(), LAST.get(), p99, p50);
    }

    /** Captures the download operator's latency histogram so the bench can read it when the job ends. */
    public static final class LatencyReporter implements MetricReporter {
        static final AtomicReference<Histogram> HISTOGRAM = new AtomicReference<>();

        @Override
        public void open(MetricConfig config) {}

        @Override
        public void close() {}

        @Override
        public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
            if (name.equals("downloadLatencyMillis") && metric instanceof Histogram h) {
                HISTOGRAM.set(h);
            }
        }

        @Override
        public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

        public static final class Factory implements MetricReporterFactory {
            @Override
            public MetricReporter createMetricReporter(Properties properties) {
                return new LatencyReporter();
            }
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
