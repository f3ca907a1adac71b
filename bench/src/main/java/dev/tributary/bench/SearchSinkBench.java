package dev.tributary.bench;

import dev.tributary.events.Observation;
import dev.tributary.operators.observations.ObservationDocuments;
import dev.tributary.sinks.search.SearchAction;
import dev.tributary.pipeline.Tributary;
import dev.tributary.sinks.search.SearchSink;
import dev.tributary.sinks.search.SearchSinkBuilder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Locale;

/**
 * Pushes N observation documents (default 200 000) through {@link SearchSink} in a local MiniCluster
 * (parallelism 2) and, in the same run against the same server, through a plain {@code _bulk} loader with the
 * same batch size (1000 documents) and concurrency (2 writers with 2 requests in flight each); prints docs/s of
 * each and their ratio (goal ≥ 0.8). Each side writes a fresh index under the {@code observations} template,
 * and the document count of each is checked afterwards.
 *
 * <p>Args: {@code [docs]}. Server from TRIBUTARY_ES_URL (default http://127.0.0.1:9200).
 */
public final class SearchSinkBench {

    static final int PARALLELISM = 2;
    static final int BATCH = 1000;
    static final int IN_FLIGHT = 2;
    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    private static final String[][] TAXA = {{"Animalia", "Puma concolor"}, {"Plantae", "Quercus robur"},
            {"Fungi", "Amanita muscaria"}, {"Chromista", "Macrocystis pyrifera"}, {"Animalia", "Bufo bufo"}};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        long docs = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String url = WarehouseSinkBench.env("TRIBUTARY_ES_URL", "http://127.0.0.1:9200");
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf(Locale.ROOT, "docs: %d per run, %d rounds, batch %d, %d writers x %d in flight, %s; load average at start: %s%n",
                docs, rounds, BATCH, PARALLELISM, IN_FLIGHT, url, CpuMeter.loadAverage());

        // warm-up: JIT, class loading, the first MiniCluster start, the server's caches
        runSink(url, "observations-bench-warmup-sink-" + run, 20_000, false);
        runPlain(url, "observations-bench-warmup-plain-" + run, 20_000);

        // alternating rounds, so a noisy phase of the machine hits every side alike; medians
        double[] plain = new double[rounds];
        double[][] sink = new double[rounds][];
        double[][] adaptive = new double[rounds][];
        for (int r = 0; r < rounds; r++) {
            String plainIndex = "observations-bench-plain-" + run + "-" + r;
            CpuMeter cpu = new CpuMeter();
            plain[r] = docs / (runPlain(url, plainIndex, docs) / 1e9);
            String plainCpu = cpu.report();
            String sinkIndex = "observations-bench-sink-" + run + "-" + r;
            cpu = new CpuMeter();
            sink[r] = rates(docs, runSink(url, sinkIndex, docs, false));
            String sinkCpu = cpu.report();
            String adaptiveIndex = "observations-bench-adaptive-" + run + "-" + r;
            adaptive[r] = rates(docs, runSink(url, adaptiveIndex, docs, true));
            check(url, plainIndex, docs);
            check(url, sinkIndex, docs);
            check(url, adaptiveIndex, docs);
            System.out.printf(Locale.ROOT, "round %d: plain %.0f, sink %.0f (%.2f), sink with AIMD %.0f (%.2f) docs/s first doc→done;"
                            + " whole job %.0f (%.2f), AIMD %.0f (%.2f)%n", r + 1, plain[r], sink[r][1], sink[r][1] / plain[r],
                    adaptive[r][1], adaptive[r][1] / plain[r], sink[r][0], sink[r][0] / plain[r], adaptive[r][0], adaptive[r][0] / plain[r]);
            System.out.println("  cpu, plain: " + plainCpu);
            System.out.println("  cpu, sink:  " + sinkCpu);
        }
        call(url, "DELETE", "/observations-bench-*-" + run + "*", null);

        double p = median(plain);
        System.out.printf(Locale.ROOT, "medians: plain _bulk loader %9.0f docs/s%n", p);
        for (Object[] side : new Object[][] {{"SearchSink (requests in flight kept)", sink}, {"SearchSink with AIMD (adaptiveRateLimiting)", adaptive}}) {
            double[][] rates = (double[][]) side[1];
            double whole = median(column(rates, 0));
            double flow = median(column(rates, 1));
            System.out.printf(Locale.ROOT, "         %-44s first doc→done %9.0f docs/s (ratio %.2f), whole job %9.0f (ratio %.2f)%n",
                    side[0], flow, flow / p, whole, whole / p);
        }
        System.out.println("goal: sink/plain ≥ 0.8 first doc→done; load average at end: " + CpuMeter.loadAverage());
    }

    private static double[] rates(long docs, long[] nanos) {
        return new double[] {docs / (nanos[0] / 1e9), docs / (nanos[1] / 1e9)};
    }

    private static double[] column(double[][] rows, int i) {
        double[] c = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            c[r] = rows[r][i];
        }
        return c;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Observation observation(long index) {
        String[] taxon = TAXA[(int) (index % TAXA.length)];
        String source = index % 3 == 0 ? "gbif" : index % 3 == 1 ? "obis" : "idigbio";
        return Observation.newBuilder().setOccurrenceId(source + "-" + index).setSource(source)
                .setKingdom(taxon[0]).setScientificName(taxon[1]).setSpecies(taxon[1])
                .setEventTime(T0.plusMillis(index * 10)).setLatitude(-60.0 + index % 120).setLongitude(-170.0 + index % 340)
                .setCountryCode("NL").setBasisOfRecord("HUMAN_OBSERVATION").build();
    }

    /** Wall time of the job, and time from its first generated document to its end. */
    private static long[] runSink(String url, String index, long docs, boolean adaptive) throws Exception {
        Configuration conf = Tributary.runtimeOptions(); // as the job runs: no Kryo, object reuse
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        WarehouseSinkBench.FirstRecord.NANOS = 0;
        SearchSinkBuilder<Observation> builder = SearchSink.<Observation>builder().url(url)
                .documentMapper(o -> SearchAction.index(index, ObservationDocuments.observationId(o), null,
                        ObservationDocuments.observation(o)))
                .maxBatchSize(BATCH).maxInFlightRequests(IN_FLIGHT)
                .indexTemplates("observations")
                .failOnRejectedDocuments();
        if (adaptive) {
            builder.adaptiveRateLimiting();
        }
        env.fromSource(new DataGeneratorSource<>(i -> {
                            WarehouseSinkBench.FirstRecord.mark();
                            return observation(i);
                        }, docs, RateLimiterStrategy.noOp(), new AvroTypeInfo<>(Observation.class)),
                        WatermarkStrategy.noWatermarks(), "observations")
                .uid("bench-observations").name("observations")
                .sinkTo(builder.build())
                .uid("bench-search").name("observations → search");
        long start = System.nanoTime();
        env.execute("search-sink-bench");
        long end = System.nanoTime();
        return new long[] {end - start, end - WarehouseSinkBench.FirstRecord.NANOS};
    }

    /**
     * The baseline: what a hand-written loader does. Each of the writers builds NDJSON batches from its share of
     * the documents and keeps up to {@link #IN_FLIGHT} {@code _bulk} requests open.
     */
    private static long runPlain(String url, String index, long docs) throws Exception {
        return PlainLoaders.bulk(url, index, docs, i -> {
            Observation o = observation(i);
            return new PlainLoaders.Document(ObservationDocuments.observationId(o), ObservationDocuments.observation(o));
        }, PARALLELISM, BATCH, IN_FLIGHT);
    }

    private static void check(String url, String index, long docs) throws IOException, InterruptedException {
        call(url, "POST", "/" + index + "/_refresh", null);
        long count = call(url, "GET", "/" + index + "/_count", null).path("count").asLong();
        if (count != docs) {
            throw new IllegalStateException("expected " + docs + " documents in " + index + ", found " + count);
        }
    }

    static JsonNode call(String url, String method, String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(method + " " + path + " -> HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
