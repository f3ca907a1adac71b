package dev.tributary.bench;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.observations.ObservationDocuments;
import dev.tributary.operators.observations.WindowIds;
import dev.tributary.pipeline.Tributary;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.ObservationsFlow;
import dev.tributary.pipeline.io.DecodingDeserializer;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;
import dev.tributary.sinks.redshift.WarehouseTables;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Drains a backlog of N observations (default 1 000 000) through the production observations flow with every
 * one of its sinks on the stack's servers, against plain loaders writing the same rows and documents in the same
 * run.
 *
 * <ul>
 *   <li><b>Input.</b> N Avro observations on three fresh topics of two partitions each, partitions of unequal size
 *       (30/5/20/10/25/10 %) over the same 2 hours of event time, each up to 8 s out of order (the bound is 10 s);
 *       all produced before the job starts (not timed).</li>
 *   <li><b>Job.</b> {@code TributaryJob.build} with {@code flows=observations} (sources decoding with per-partition
 *       event time and alignment, gate, dedupe, fan-out, 2-minute windows, warehouse and search sinks for
 *       observations and counts, the late topic and dead letters) on an in-process cluster at parallelism 2,
 *       RocksDB and checkpoints every 10 s as on the cluster, reading the topics from the earliest offsets. Per
 *       partition one more record an hour past the span closes the last windows. Drained = every observation and
 *       every count in the warehouse and the search index (polled every second). Timed from submission and from
 *       its first record.</li>
 *   <li><b>Baseline.</b> At once: {@code COPY} of the same observation rows and count rows into a fresh schema,
 *       and {@code _bulk} of the same observation and count documents into fresh indices (2 writers, batches of
 *       1000, 2 requests in flight each, as {@link SearchSinkBench}'s loader). Timed until both are done.</li>
 * </ul>
 * Checks that every observation was stored and indexed, that every count equals the count computed from the
 * input, and prints the share counted (goal 100 %) and the ratio of the drain rate to the loaders' (goal ≥ 0.8).
 *
 * <p>Args: {@code [observations]}. Servers from {@code .stack/env} (TRIBUTARY_KAFKA_BOOTSTRAP, TRIBUTARY_PG_*,
 * TRIBUTARY_ES_URL).
 */
public final class ObservationsBacklogBench {

    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    private static final Duration SPAN = Duration.ofHours(2);
    private static final long WINDOW_MILLIS = Duration.ofMinutes(2).toMillis();
    private static final double[] SHARES = {0.30, 0.05, 0.20, 0.10, 0.25, 0.10};
    private static final String[] SOURCES = {"gbif", "obis", "idigbio"};
    private static final String[] KINGDOMS = {"Animalia", "Plantae", "Fungi", "Chromista", "Bacteria"};

    private static volatile long firstRecordNanos;

    /** The backlog: N observations, and where each one goes. */
    record Backlog(long n, long[] offsets) {

        static Backlog of(long n) {
            long[] offsets = new long[SHARES.length + 1];
            for (int p = 0; p < SHARES.length; p++) {
                offsets[p + 1] = p == SHARES.length - 1 ? n : offsets[p] + Math.round(n * SHARES[p]);
            }
            return new Backlog(n, offsets);
        }

        int partitionOf(long i) {
            int p = 0;
            while (i >= offsets[p + 1]) {
                p++;
            }
            return p;
        }

        /** The i-th observation: the (i - offset)-th of its partition, spread over the span, up to 8 s early. */
        Observation observation(long i) {
            int p = partitionOf(i);
            long k = i - offsets[p];
            long size = offsets[p + 1] - offsets[p];
            String source = SOURCES[p / 2];
            String species = "Species " + ((k * 13 + p) % 200);
            long eventTime = T0.toEpochMilli() + k * SPAN.toMillis() / size - (k * 7919) % 8000;
            return Observation.newBuilder().setOccurrenceId(source + "-" + p + "-" + k).setSource(source)
                    .setKingdom(KINGDOMS[(int) ((k * 7 + p) % KINGDOMS.length)]).setScientificName(species)
                    .setSpecies(species).setEventTime(Instant.ofEpochMilli(Math.max(T0.toEpochMilli(), eventTime)))
                    .setLatitude(-60.0 + k % 120).setLongitude(-170.0 + k % 340).setCountryCode("NL")
                    .setBasisOfRecord("HUMAN_OBSERVATION").build();
        }

        /** The counts every window must show, computed from the input. */
        List<ObservationCount> counts() {
            Map<String, long[]> counts = new TreeMap<>();
            for (long i = 0; i < n; i++) {
                Observation o = observation(i);
                long t = o.getEventTime().toEpochMilli();
                long start = t - Math.floorMod(t, WINDOW_MILLIS);
                for (String dv : List.of("kingdom\t" + o.getKingdom(), "species\t" + o.getSpecies(), "source\t" + o.getSource())) {
                    counts.computeIfAbsent(start + "\t" + dv, key -> new long[1])[0]++;
                }
            }
            List<ObservationCount> out = new ArrayList<>(counts.size());
            counts.forEach((key, c) -> {
                String[] parts = key.split("\t");
                long start = Long.parseLong(parts[0]);
                out.add(ObservationCount.newBuilder().setWindowId(WindowIds.of(start, start + WINDOW_MILLIS))
                        .setWindowStart(Instant.ofEpochMilli(start)).setWindowEnd(Instant.ofEpochMilli(start + WINDOW_MILLIS))
                        .setDimension(parts[1]).setValue(parts[2]).setCount(c[0]).build());
            });
            return out;
        }
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String bootstrap = WarehouseSinkBench.env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        String pgUrl = WarehouseSinkBench.env("TRIBUTARY_PG_URL", "jdbc:postgresql://127.0.0.1:5432/tributary");
        String pgUser = WarehouseSinkBench.env("TRIBUTARY_PG_USER", "tributary");
        String pgPassword = WarehouseSinkBench.env("TRIBUTARY_PG_PASSWORD", "");
        String esUrl = WarehouseSinkBench.env("TRIBUTARY_ES_URL", "http://127.0.0.1:9200");
        String run = Long.toString(System.currentTimeMillis(), 36);

        Configuration conf = Tributary.runtimeOptions();
        // as on the cluster (flink-conf/config.yaml): RocksDB state, checkpoints in files (the windows' and dedupe's
        // state of a backlog outgrows the JobManager's 5 MB in-memory checkpoints)
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                java.nio.file.Files.createTempDirectory("tributary-bench-checkpoints").toUri().toString());
        try (BenchCluster cluster = new BenchCluster(conf, 2)) {
            // warm-up of both sides: JIT, class loading, the servers' caches
            Backlog warmup = Backlog.of(20_000);
            loaders(warmup, warmup.counts(), pgUrl, pgUser, pgPassword, esUrl, "bench_obs_plain_w" + run, "-bench-plain-w" + run);
            drain(cluster, warmup, bootstrap, pgUrl, pgUser, pgPassword, esUrl, "w" + run);

            Backlog backlog = Backlog.of(n);
            List<ObservationCount> counts = backlog.counts();
            Times plain = loaders(backlog, counts, pgUrl, pgUser, pgPassword, esUrl, "bench_obs_plain_" + run, "-bench-plain-" + run);
            Times idempotent = loaders(backlog, counts, pgUrl, pgUser, pgPassword, esUrl, "bench_obs_idem_" + run,
                    "-bench-idem-" + run, true);
            Times job = drain(cluster, backlog, bootstrap, pgUrl, pgUser, pgPassword, esUrl, run);
            String schema = "bench_obs_job_" + run;
            Result result = check(backlog, counts, pgUrl, pgUser, pgPassword, schema, esUrl, "-bench-" + run);

            double plainRate = n / (plain.whole / 1e9);
            System.out.printf(Locale.ROOT, "backlog: %d observations on 6 partitions (30/5/20/10/25/10 %%), %d window counts; load %s%n",
                    n, counts.size(), CpuMeter.loadAverage());
            System.out.printf(Locale.ROOT, "plain loaders (COPY + _bulk at once): %9.0f obs/s (%.2f s; COPY %.2f s, _bulk %.2f s)%n",
                    plainRate, plain.whole / 1e9, plain.copy / 1e9, plain.bulk / 1e9);
            System.out.println("  CPU: " + plain.cpu());
            System.out.printf(Locale.ROOT, "idempotent loaders (COPY to staging + insert new, _bulk): %9.0f obs/s (%.2f s; warehouse %.2f s, _bulk %.2f s)%n",
                    n / (idempotent.whole / 1e9), idempotent.whole / 1e9, idempotent.copy / 1e9, idempotent.bulk / 1e9);
            System.out.println("  CPU: " + idempotent.cpu());
            System.out.printf(Locale.ROOT, "job, whole (start to end):            %9.0f obs/s (%.2f s)%n", n / (job.whole / 1e9), job.whole / 1e9);
            System.out.printf(Locale.ROOT, "job, first record to end:             %9.0f obs/s (%.2f s)%n", n / (job.fromFirst / 1e9), job.fromFirst / 1e9);
            System.out.println("  CPU: " + job.cpu());
            System.out.printf(Locale.ROOT, "counted: %.2f %% of the observations within the out-of-orderness (%d of %d); counts equal the input's: %s%n",
                    100.0 * result.counted / n, result.counted, n, result.countsEqual);
            System.out.printf(Locale.ROOT, "ratio job/plain: %.2f whole job, %.2f from first record (goal >= 0.8)%n",
                    plain.whole / (double) job.whole, plain.whole / (double) job.fromFirst);
            System.out.printf(Locale.ROOT, "ratio job/idempotent loaders: %.2f whole job, %.2f from first record%n",
                    idempotent.whole / (double) job.whole, idempotent.whole / (double) job.fromFirst);
            cleanUp(pgUrl, pgUser, pgPassword, esUrl, run);
        }
    }

    /** The idempotent loader's batch, as in the WarehouseSink benchmark. */
    private static final int UPSERT_BATCH = 5000;

    record Times(long whole, long fromFirst, long copy, long bulk, String cpu) {}

    record Result(long counted, boolean countsEqual) {}

    /** COPY and _bulk of the same rows and documents, at once; the time until both are done. */
    private static Times loaders(Backlog backlog, List<ObservationCount> counts, String pgUrl, String user, String password,
                                 String esUrl, String schema, String indexSuffix) throws Exception {
        return loaders(backlog, counts, pgUrl, user, password, esUrl, schema, indexSuffix, false);
    }

    /**
     * @param idempotent the warehouse side as a loader that survives its own replay must write (COPY into staging, then
     *                   insert what is new: {@link PlainLoaders#copyThenUpsert}), instead of an append-only COPY; the
     *                   {@code _bulk} side is idempotent either way (documents by id)
     */
    private static Times loaders(Backlog backlog, List<ObservationCount> counts, String pgUrl, String user, String password,
                                 String esUrl, String schema, String indexSuffix, boolean idempotent) throws Exception {
        String url = WarehouseSinkBench.freshSchema(pgUrl, user, password, schema);
        CpuMeter cpu = new CpuMeter();
        long start = System.nanoTime();
        CompletableFuture<Long> copy = CompletableFuture.supplyAsync(() -> unchecked(() -> idempotent
                ? PlainLoaders.copyThenUpsert(url, user, password, WarehouseTables.OBSERVATIONS, backlog.n(), UPSERT_BATCH,
                        backlog::observation)
                        + PlainLoaders.copyThenUpsert(url, user, password, WarehouseTables.OBSERVATION_COUNTS, counts.size(),
                        UPSERT_BATCH, i -> counts.get((int) i))
                : PlainLoaders.copy(url, user, password, WarehouseTables.OBSERVATIONS, backlog.n(), backlog::observation)
                        + PlainLoaders.copy(url, user, password, WarehouseTables.OBSERVATION_COUNTS, counts.size(),
                        i -> counts.get((int) i))));
        CompletableFuture<Long> bulk = CompletableFuture.supplyAsync(() -> unchecked(() ->
                PlainLoaders.bulk(esUrl, ObservationsFlow.INDEX + indexSuffix, backlog.n(), i -> {
                    Observation o = backlog.observation(i);
                    return new PlainLoaders.Document(ObservationDocuments.observationId(o), ObservationDocuments.observation(o));
                }, SearchSinkBench.PARALLELISM, SearchSinkBench.BATCH, SearchSinkBench.IN_FLIGHT)
                        + PlainLoaders.bulk(esUrl, ObservationsFlow.COUNTS_INDEX + indexSuffix, counts.size(), i -> {
                    ObservationCount c = counts.get((int) i);
                    return new PlainLoaders.Document(ObservationDocuments.countId(c), ObservationDocuments.count(c));
                }, SearchSinkBench.PARALLELISM, SearchSinkBench.BATCH, SearchSinkBench.IN_FLIGHT)));
        long copyNanos = copy.get();
        long bulkNanos = bulk.get();
        return new Times(System.nanoTime() - start, 0, copyNanos, bulkNanos, cpu.report());
    }

    /** Produces the backlog on fresh topics, then drains it with the production graph. */
    private static Times drain(BenchCluster cluster, Backlog backlog, String bootstrap, String pgUrl, String user,
                               String password, String esUrl, String run) throws Exception {
        List<String> topics = List.of("bench-obs-gbif-" + run, "bench-obs-obis-" + run, "bench-obs-idigbio-" + run);
        produce(bootstrap, topics, backlog, run);
        String schema = "bench_obs_job_" + run;
        String url = WarehouseSinkBench.freshSchema(pgUrl, user, password, schema);

        Map<String, String> raw = new HashMap<>();
        raw.put("flows", ObservationsFlow.FLOW);
        raw.put("kafka.bootstrap-servers", bootstrap);
        raw.put("kafka.check-reachable", "false");
        raw.put("kafka.group-id", "bench-obs-" + run);
        raw.put("kafka.transactional-id-prefix", "bench-obs-" + run);
        raw.put("topics.observations", String.join(",", topics));
        raw.put("topics.observations-late", "bench-obs-late-" + run);
        raw.put("topics.dead-letter", "bench-obs-dead-letter-" + run);
        raw.put("observations.index-suffix", "-bench-" + run);
        raw.put("warehouse.jdbc-url", url);
        raw.put("warehouse.user", user);
        raw.put("warehouse.password", "${env:TRIBUTARY_PG_PASSWORD}");
        raw.put("search.url", esUrl);
        for (String name : List.of("observations.alignment.max-drift", "observations.alignment.interval")) {
            String value = System.getProperty("bench." + name);   // e.g. -Dbench.observations.alignment.max-drift=10min
            if (value != null) {
                raw.put(name, value);
            }
        }
        JobSettings settings = JobSettings.parse(raw, Map.of("TRIBUTARY_PG_PASSWORD", password));

        StreamExecutionEnvironment env = cluster.environment(2);
        // as flink-conf/config.yaml: every 10 s, incremental (the late topic and dead letters are exactly-once)
        env.enableCheckpointing(10_000);
        firstRecordNanos = 0;
        TributaryJob.build(new FlowContext(env, settings, sources(bootstrap, run), new TributarySinks(settings)));
        List<ObservationCount> counts = backlog.counts();
        CpuMeter cpu = new CpuMeter();
        long start = System.nanoTime();
        var job = cluster.submit(env, "observations-backlog-bench-" + run);
        try {
            // drained: every observation stored and indexed, every window's count stored and indexed (the job runs
            // on, as in production; its sources are unbounded)
            String index = ObservationsFlow.INDEX + "-bench-" + run;
            String countsIndex = ObservationsFlow.COUNTS_INDEX + "-bench-" + run;
            // polled once a second, without forcing refreshes: a poll that scans the table or refreshes the index
            // ten times a second costs the servers more than it measures (the indices refresh every second anyway)
            while (count(url, user, password, "observations") < backlog.n() + PUSHERS
                    || count(url, user, password, "observation_counts") < counts.size()
                    || searchCount(esUrl, index) < backlog.n() + PUSHERS
                    || searchCount(esUrl, countsIndex) < counts.size()) {
                if (job.isDone()) {
                    job.get();
                    throw new IllegalStateException("the job ended before the backlog was drained");
                }
                Thread.sleep(1000);
            }
            long end = System.nanoTime();
            return new Times(end - start, end - firstRecordNanos, 0, 0, cpu.report());
        } finally {
            cluster.cancel(job);
        }
    }

    /** Per partition one record an hour past the span: closes every window of the backlog. */
    static final int PUSHERS = 6;

    private static long count(String url, String user, String password, String table) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;   // the sink creates its tables when it starts
        }
    }

    private static long searchCount(String esUrl, String index) {
        try {
            return SearchSinkBench.call(esUrl, "GET", "/" + index + "/_count", null).path("count").asLong();
        } catch (IOException e) {
            return -1;   // the index appears with the first document
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The job's inputs from the earliest offsets, unbounded as in production, marking the first record. (Bounded
     * sources would end the job when drained, but split-level watermark alignment then races with finished splits
     * in flink-connector-kafka 5.0.0: "No current assignment for partition", FLINK-39728, fixed after it.)
     */
    private static Sources sources(String bootstrap, String run) {
        return new Sources() {
            @Override
            public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
                    StreamExecutionEnvironment env, KafkaInput<T> input) {
                KafkaSource<Either<DeadLetter, T>> source = KafkaSource.<Either<DeadLetter, T>>builder()
                        .setBootstrapServers(bootstrap)
                        .setTopics(input.topics())
                        .setGroupId("bench-obs-" + run)
                        .setProperty("isolation.level", "read_committed")
                        .setStartingOffsets(OffsetsInitializer.earliest())
                        .setDeserializer(new FirstRecordMarker<>(new DecodingDeserializer<>(input)))
                        .build();
                return env.fromSource(source, input.watermarks(), input.name(), input.producedType())
                        .uid(input.uid()).name(input.name());
            }
        };
    }

    static final class FirstRecordMarker<T> implements KafkaRecordDeserializationSchema<T> {
        private final KafkaRecordDeserializationSchema<T> delegate;

        FirstRecordMarker(KafkaRecordDeserializationSchema<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void open(DeserializationSchema.InitializationContext context) throws Exception {
            delegate.open(context);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException {
            if (firstRecordNanos == 0) {
                firstRecordNanos = System.nanoTime();
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return delegate.getProducedType();
        }
    }

    private static void produce(String bootstrap, List<String> topics, Backlog backlog, String run) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> create = new ArrayList<>();
            topics.forEach(t -> create.add(new NewTopic(t, 2, (short) 1)));
            create.add(new NewTopic("bench-obs-late-" + run, 2, (short) 1));
            create.add(new NewTopic("bench-obs-dead-letter-" + run, 1, (short) 1));
            admin.createTopics(create).all().get();
        }
        props.setProperty("linger.ms", "20");
        props.setProperty("batch.size", "262144");
        props.setProperty("compression.type", "lz4");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < backlog.n(); i++) {
                Observation o = backlog.observation(i);
                int p = backlog.partitionOf(i);
                producer.send(new ProducerRecord<>(topics.get(p / 2), p % 2,
                        o.getOccurrenceId().getBytes(StandardCharsets.UTF_8), AvroEventSerializer.encode(o)));
            }
            for (int p = 0; p < PUSHERS; p++) {
                Observation pusher = Observation.newBuilder(backlog.observation(backlog.offsets()[p]))
                        .setOccurrenceId("pusher-" + p).setEventTime(T0.plus(SPAN).plus(Duration.ofHours(1))).build();
                producer.send(new ProducerRecord<>(topics.get(p / 2), p % 2,
                        pusher.getOccurrenceId().getBytes(StandardCharsets.UTF_8), AvroEventSerializer.encode(pusher)));
            }
            producer.flush();
        }
    }

    /** Every observation stored and indexed, every count as computed from the input. */
    private static Result check(Backlog backlog, List<ObservationCount> expected, String pgUrl, String user,
                                String password, String schema, String esUrl, String indexSuffix) throws Exception {
        Map<String, Long> want = new HashMap<>();
        expected.forEach(c -> want.put(c.getWindowId() + "|" + c.getDimension() + "|" + c.getValue(), c.getCount()));
        Map<String, Long> got = new HashMap<>();
        long stored;
        try (Connection c = DriverManager.getConnection(pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                user, password); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM observations")) {
                rs.next();
                stored = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT window_id, dimension, dimension_value, observation_count FROM observation_counts")) {
                while (rs.next()) {
                    got.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3), rs.getLong(4));
                }
            }
        }
        if (stored != backlog.n() + PUSHERS) {
            throw new IllegalStateException("expected " + backlog.n() + " observations in the warehouse, found " + stored);
        }
        for (String index : List.of(ObservationsFlow.INDEX + indexSuffix, ObservationsFlow.COUNTS_INDEX + indexSuffix)) {
            SearchSinkBench.call(esUrl, "POST", "/" + index + "/_refresh", null);
        }
        long indexed = SearchSinkBench.call(esUrl, "GET", "/" + ObservationsFlow.INDEX + indexSuffix + "/_count", null)
                .path("count").asLong();
        long countDocs = SearchSinkBench.call(esUrl, "GET", "/" + ObservationsFlow.COUNTS_INDEX + indexSuffix + "/_count", null)
                .path("count").asLong();
        if (indexed != backlog.n() + PUSHERS || countDocs != expected.size()) {
            throw new IllegalStateException("search: " + indexed + " observations (expected " + backlog.n() + "), "
                    + countDocs + " counts (expected " + expected.size() + ")");
        }
        long counted = got.entrySet().stream().filter(e -> e.getKey().contains("|source|")).mapToLong(Map.Entry::getValue).sum();
        return new Result(counted, got.equals(want));
    }

    private static void cleanUp(String pgUrl, String user, String password, String esUrl, String run) throws Exception {
        try (Connection c = DriverManager.getConnection(pgUrl, user, password); Statement s = c.createStatement()) {
            for (String schema : List.of("bench_obs_plain_w" + run, "bench_obs_plain_" + run, "bench_obs_idem_" + run,
                    "bench_obs_job_w" + run, "bench_obs_job_" + run)) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        SearchSinkBench.call(esUrl, "DELETE", "/*-bench-*" + run + "?ignore_unavailable=true", null);
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", WarehouseSinkBench.env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092"));
        try (Admin admin = Admin.create(props)) {
            List<String> mine = admin.listTopics().names().get().stream().filter(t -> t.startsWith("bench-obs-") && t.contains(run)).toList();
            admin.deleteTopics(mine).all().get();
        }
    }

    @FunctionalInterface
    interface IoCall<T> {
        T call() throws Exception;
    }

    private static <T> T unchecked(IoCall<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
