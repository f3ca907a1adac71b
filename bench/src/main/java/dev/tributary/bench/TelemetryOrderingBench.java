package dev.tributary.bench;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.telemetry.OrderingConfig;
import dev.tributary.operators.telemetry.SequenceOrderer;
import dev.tributary.operators.telemetry.TelemetryTypes;
import dev.tributary.pipeline.Tributary;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.EventType;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.TelemetryFlow;
import dev.tributary.pipeline.io.DecodingDeserializer;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The cost of the telemetry flow's ordering stage, in one run:
 * <ol>
 *   <li>throughput: N readings (default 4 000 000; 500 devices, every tenth pair of seqs swapped, 1 % sent twice)
 *       on a fresh 2-partition topic of the real broker, read by a bounded Kafka source (parallelism 2) into a
 *       discarding sink by three jobs, in alternating rounds: a passthrough; a keyed exchange (each record keyed
 *       by device id across the same kind of shuffle as the readings, nothing decoded: the floor of any ordering
 *       by device); and the telemetry flow's own source → decode → keyBy(deviceId) → {@link SequenceOrderer}
 *       (reorder + dedupe) steps (the job's decoding source, {@link dev.tributary.pipeline.flows.Inputs}, {@link TelemetryFlow#order}). Prints events/s and the
 *       process CPU per event of each, for whole jobs (first record to the job's end) and for the steady state
 *       ({@link SteadyWindow}), and their ratios (goal: ordered/passthrough ≥ 0.6);</li>
 *   <li>memory: K distinct devices (default 1 000 000) pushed through the orderer (heap state backend) in a
 *       MiniCluster; prints the heap the live state takes (used heap after a full GC, minus the same after
 *       the first 1 000 devices) and the size of a canonical savepoint of it (what RocksDB or a checkpoint
 *       holds).</li>
 * </ol>
 * Args: {@code [readings] [devices] [hashmap|rocksdb] [telemetry.order.bundle-size]}. Kafka from TRIBUTARY_KAFKA_BOOTSTRAP (default 127.0.0.1:9092).
 */
public final class TelemetryOrderingBench {

    private static final int BASELINE_DEVICES = 1_000;
    private static final int WARMUP_ROUNDS = 3;
    private static final int ROUNDS = 5;
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** Process CPU time when the first record was read (same JVM: the MiniCluster runs in-process). */
    private static final AtomicLong FIRST_RECORD_CPU = new AtomicLong();
    /** What the keyed exchange carries: one array, the key's length, the key (device id), the value. */
    private static final TypeInformation<byte[]> KEY_AND_VALUE = PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
    /** The job's defaults (ordering bounds, decode limits) but for the overrides; nothing here connects to a server. */
    private static JobSettings settings(Map<String, String> overrides) {
        Map<String, String> raw = new java.util.HashMap<>(overrides);
        raw.put("flows", TelemetryFlow.FLOW);
        raw.put("kafka.check-reachable", "false");
        return JobSettings.parse(raw, Map.of());
    }

    public static void main(String[] args) throws Exception {
        long readings = args.length > 0 ? Long.parseLong(args[0]) : 4_000_000;
        long devices = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        String backend = args.length > 2 ? args[2] : "hashmap";
        JobSettings settings = settings(args.length > 3
                ? Map.of(JobSettings.TELEMETRY_ORDER_BUNDLE_SIZE.key(), args[3]) : Map.of());
        String bootstrap = WarehouseSinkBench.env("TRIBUTARY_KAFKA_BOOTSTRAP", "127.0.0.1:9092");

        String topic = "bench-telemetry-" + UUID.randomUUID().toString().substring(0, 8);
        long sent = produce(bootstrap, topic, readings);

        Configuration conf = Tributary.runtimeOptions(); // as the job runs: no Kryo, object reuse
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        JobRun[] passthrough = new JobRun[ROUNDS];
        JobRun[] exchange = new JobRun[ROUNDS];
        JobRun[] ordered = new JobRun[ROUNDS];
        long jitMillis;
        try (BenchCluster cluster = new BenchCluster(conf, 2)) {
            // Warm-up, every job: class loading, the broker's page cache, and above all the JIT. Flink, Kafka, Avro
            // and RocksDB code keeps the C2 compiler busy for the first ~30 s (~16 s of compile time on one of the
            // two cores); a single warm-up job left the first measured rounds paying for it, the ordered job (more
            // code) more than the passthrough. A TaskManager runs the job for days: steady state is what counts.
            for (int round = 0; round < WARMUP_ROUNDS; round++) {
                for (Job job : Job.values()) {
                    runKafkaJob(cluster, bootstrap, topic, sent, job, settings);
                }
            }
            long jitBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            // alternating rounds, medians: the machine is shared, one round alone says little
            for (int round = 0; round < ROUNDS; round++) {
                passthrough[round] = runKafkaJob(cluster, bootstrap, topic, sent, Job.PASSTHROUGH, settings);
                exchange[round] = runKafkaJob(cluster, bootstrap, topic, sent, Job.KEYED_EXCHANGE, settings);
                ordered[round] = runKafkaJob(cluster, bootstrap, topic, sent, Job.ORDERED, settings);
            }
            jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitBefore;
        }
        double passRate = sent / (median(passthrough, JobRun::fromFirstNanos) / 1e9);
        double orderRate = sent / (median(ordered, JobRun::fromFirstNanos) / 1e9);
        double passJobRate = sent / (median(passthrough, JobRun::wallNanos) / 1e9);
        double orderJobRate = sent / (median(ordered, JobRun::wallNanos) / 1e9);
        System.out.printf(Locale.ROOT, "events: %d (%d readings, 500 devices, swaps and 1%% duplicates), topic %s,"
                + " state backend %s, bundles of %d, medians of %d rounds after %d warm-up rounds (JIT compile time"
                + " during the measured rounds: %d ms)%n", sent, readings, topic, backend,
                settings.get(JobSettings.TELEMETRY_ORDER_BUNDLE_SIZE), ROUNDS, WARMUP_ROUNDS, jitMillis);
        System.out.println("1. whole jobs, from the first record read to the job's end (deployment, JIT and end of input included):");
        System.out.printf(Locale.ROOT, "  Kafka → discard (passthrough):            %9.0f events/s first record→done, %9.0f whole job%n",
                passRate, passJobRate);
        System.out.printf(Locale.ROOT, "  Kafka → decode → order+dedupe → discard:  %9.0f events/s first record→done, %9.0f whole job%n",
                orderRate, orderJobRate);
        System.out.printf(Locale.ROOT, "  ratio ordered/passthrough: %.2f (first record→done), %.2f (whole job)%n",
                orderRate / passRate, orderJobRate / passJobRate);
        System.out.println("  ratio of each round:" + roundRatios(passthrough, ordered, JobRun::fromFirstNanos));
        // Wall-clock rates on a shared 2-core machine follow the other tenants' load; the CPU the process burns per
        // event does much less, so it says what a change saved (job start/stop, JIT and GC included).
        double passCpu = median(passthrough, JobRun::cpuFromFirstNanos) / (double) sent;
        double orderCpu = median(ordered, JobRun::cpuFromFirstNanos) / (double) sent;
        System.out.printf(Locale.ROOT, "  process CPU per event: passthrough %.2f µs, ordered %.2f µs (ratio %.2f)%n",
                passCpu / 1e3, orderCpu / 1e3, passCpu / orderCpu);

        double window = SteadyWindow.events();
        double passSteady = window / (median(passthrough, JobRun::steadyNanos) / 1e9);
        double exchangeSteady = window / (median(exchange, JobRun::steadyNanos) / 1e9);
        double orderSteady = window / (median(ordered, JobRun::steadyNanos) / 1e9);
        System.out.printf(Locale.ROOT, "2. steady state: the sources' rate while they read from %.0f %% to %.0f %% of the"
                + " events (no deployment, first fetches or end of input):%n", SteadyWindow.FROM * 100, SteadyWindow.TO * 100);
        System.out.printf(Locale.ROOT, "  Kafka → discard (passthrough):                  %9.0f events/s, %.2f µs CPU per event%n",
                passSteady, median(passthrough, JobRun::steadyCpuNanos) / window / 1e3);
        System.out.printf(Locale.ROOT, "  Kafka → keyBy(device) → discard (the exchange): %9.0f events/s, %.2f µs CPU per event%n",
                exchangeSteady, median(exchange, JobRun::steadyCpuNanos) / window / 1e3);
        System.out.printf(Locale.ROOT, "  Kafka → decode → order+dedupe → discard:        %9.0f events/s, %.2f µs CPU per event%n",
                orderSteady, median(ordered, JobRun::steadyCpuNanos) / window / 1e3);
        System.out.printf(Locale.ROOT, "  ratio ordered/passthrough: %.2f (goal ≥ 0.6; rounds:%s)%n",
                orderSteady / passSteady, roundRatios(passthrough, ordered, JobRun::steadyNanos));
        System.out.printf(Locale.ROOT, "  ratio exchange/passthrough: %.2f (rounds:%s): what any keyed ordering can reach at"
                + " most%n", exchangeSteady / passSteady, roundRatios(passthrough, exchange, JobRun::steadyNanos));
        System.out.printf(Locale.ROOT, "  ratio ordered/exchange: %.2f (rounds:%s): decode, validation and ordering on top"
                + " of the exchange%n", orderSteady / exchangeSteady, roundRatios(exchange, ordered, JobRun::steadyNanos));

        measureState(devices, backend);
    }

    /** Per round, the rate of {@code b} over the rate of {@code a} (the inverse ratio of their times). */
    private static String roundRatios(JobRun[] a, JobRun[] b, ToLongFunction<JobRun> nanos) {
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < a.length; round++) {
            rounds.append(String.format(Locale.ROOT, " %.2f",
                    (double) nanos.applyAsLong(a[round]) / nanos.applyAsLong(b[round])));
        }
        return rounds.toString();
    }

    /** A record as the keyed exchange carries it: the cheapest form that holds the device id and the reading. */
    private static byte[] keyAndValue(RawRecord raw) {
        byte[] record = new byte[1 + raw.key.length + raw.value.length];
        record[0] = (byte) raw.key.length; // the bench's keys are "dev-0" .. "dev-499"
        System.arraycopy(raw.key, 0, record, 1, raw.key.length);
        System.arraycopy(raw.value, 0, record, 1 + raw.key.length, raw.value.length);
        return record;
    }

    private static String deviceOf(byte[] keyAndValue) {
        return new String(keyAndValue, 1, keyAndValue[0], StandardCharsets.UTF_8);
    }

    /** The jobs compared, all reading the same topic with the same source. */
    private enum Job {
        /** Kafka → discard. */
        PASSTHROUGH,
        /**
         * Kafka → keyBy(device id) → discard: each record's Kafka key (the device id, by the topic's contract) and
         * value cross the same keyed exchange as the readings, and nothing is decoded. The floor of any ordering
         * that keys readings by device: it pays this exchange and more.
         */
        KEYED_EXCHANGE,
        /** The telemetry flow's own source → decode → keyBy → order steps, then discard. */
        ORDERED
    }

    /** Writes the readings, keyed by device id; returns how many records were sent (duplicates included). */
    private static long produce(String bootstrap, String topic, long readings) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        props.setProperty("linger.ms", "20");
        props.setProperty("batch.size", "262144");
        props.setProperty("compression.type", "lz4");
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < readings; i++) {
                // every tenth pair of a device's seqs arrives swapped: index i and i + 500 are seq s and s + 1
                long seq = i / 500;
                long index = seq % 20 == 0 ? i + 500 : seq % 20 == 1 ? i - 500 : i;
                byte[] value = avro(WarehouseSinkBench.reading(Math.min(index, readings - 1)));
                byte[] key = ("dev-" + (i % 500)).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, value));
                sent++;
                if (i % 100 == 7) {
                    producer.send(new ProducerRecord<>(topic, key, value));
                    sent++;
                }
            }
            producer.flush();
        }
        return sent;
    }

    /**
     * One job's spans, in nanoseconds: the whole job, from its first record to its end (and the process CPU used
     * then), and the steady window (and the process CPU used in it).
     */
    private record JobRun(long wallNanos, long fromFirstNanos, long cpuFromFirstNanos, long steadyNanos,
                          long steadyCpuNanos) {}

    private static JobRun runKafkaJob(BenchCluster cluster, String bootstrap, String topic, long events, Job job,
                                      JobSettings settings) throws Exception {
        StreamExecutionEnvironment env = cluster.environment(2);
        WarehouseSinkBench.FirstRecord.NANOS = 0;
        FIRST_RECORD_CPU.set(0);
        SteadyWindow.reset(events);
        // The production graph's own steps (the job's input: source with decode, then TelemetryFlow's order),
        // reading the bench topic to its end.
        Sources benchTopic = new Sources() {
            @Override
            public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
                    StreamExecutionEnvironment e, KafkaInput<T> input) {
                KafkaSource<Either<DeadLetter, T>> source = boundedSource(bootstrap, topic,
                        new MarkingDeserializer<>(new DecodingDeserializer<>(input)));
                return e.fromSource(source, input.watermarks(), input.name(), input.producedType())
                        .uid(input.uid()).name(input.name());
            }
        };
        FlowContext context = new FlowContext(env, settings, benchTopic, null);
        switch (job) {
            case ORDERED -> TelemetryFlow.order(context.inputs().records(EventType.HOVERBOARD_READING), settings)
                    .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
            case KEYED_EXCHANGE -> rawSource(env, bootstrap, topic)
                    .map(TelemetryOrderingBench::keyAndValue, KEY_AND_VALUE).uid("bench-key").name("key + value")
                    .keyBy(TelemetryOrderingBench::deviceOf, Types.STRING)
                    .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
            case PASSTHROUGH -> rawSource(env, bootstrap, topic)
                    .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
        }
        long start = System.nanoTime();
        cluster.execute(env, "telemetry-bench-" + job.name().toLowerCase(Locale.ROOT));
        long end = System.nanoTime();
        long cpuEnd = PROCESS.getProcessCpuTime();
        SteadyWindow.check();
        return new JobRun(end - start, end - WarehouseSinkBench.FirstRecord.NANOS, cpuEnd - FIRST_RECORD_CPU.get(),
                SteadyWindow.endNanos - SteadyWindow.startNanos, SteadyWindow.endCpu - SteadyWindow.startCpu);
    }

    /**
     * The job's own deserializer, noting when the first record arrived and when the records read by all source
     * subtasks together crossed the steady window's bounds (same JVM: the MiniCluster runs in-process).
     */
    private static <T> KafkaSource<T> boundedSource(String bootstrap, String topic, KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId("bench-" + UUID.randomUUID())
                .setProperty("isolation.level", "read_committed")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(deserializer)
                .build();
    }

    /** The topic's records as they arrive (no decode): the passthrough and keyed-exchange baselines. */
    private static DataStream<RawRecord> rawSource(StreamExecutionEnvironment env, String bootstrap, String topic) {
        KafkaSource<RawRecord> source = boundedSource(bootstrap, topic, new MarkingDeserializer<>(new RawDeserializer()));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Kafka " + topic).uid("bench-source").name("Kafka " + topic);
    }

    static final class RawDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            out.collect(RawRecord.of(record.topic(), record.partition(), record.offset(), record.timestamp(),
                    record.key(), record.value()));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return TypeInformation.of(RawRecord.class);
        }
    }

    static final class MarkingDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
        /** Records are added to the shared count in steps of this many, so the count costs nothing per record. */
        private static final int STEP = 4096;
        private final KafkaRecordDeserializationSchema<T> delegate;
        private transient long local;

        MarkingDeserializer(KafkaRecordDeserializationSchema<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context)
                throws Exception {
            delegate.open(context);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException {
            WarehouseSinkBench.FirstRecord.mark();
            if (FIRST_RECORD_CPU.get() == 0) {
                FIRST_RECORD_CPU.compareAndSet(0, PROCESS.getProcessCpuTime());
            }
            if (++local % STEP == 0) {
                SteadyWindow.read(STEP);
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return delegate.getProducedType();
        }
    }

    /**
     * Pushes {@code devices} distinct devices (seq 0 each, so each is released at once and leaves one cursor in
     * state) through the orderer, then keeps the job running on readings of known devices so the state stays
     * live while it is measured.
     */
    private static void measureState(long devices, String backend) throws Exception {
        Configuration conf = Tributary.runtimeOptions();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        Path rocksDir = Files.createTempDirectory("telemetry-bench-rocksdb");
        conf.setString("state.backend.rocksdb.localdir", rocksDir.toString());
        // the savepoint is tens of MiB: more than the JobManager-memory checkpoint storage accepts
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("telemetry-bench-checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        Counted.SEEN.set(0);
        env.fromSource(new DataGeneratorSource<>(index -> nthReading(index, devices), Long.MAX_VALUE,
                                RateLimiterStrategy.noOp(), TelemetryTypes.READING),
                        WatermarkStrategy.noWatermarks(), "devices")
                .setParallelism(1).uid("bench-devices").name("devices")
                .keyBy(HoverboardReading::getDeviceId)
                .process(new SequenceOrderer(OrderingConfig.defaults()), TelemetryTypes.READING)
                .uid("bench-order").name("Order readings per device")
                .map(new Counted()).returns(TelemetryTypes.READING).uid("bench-count").name("count")
                .sinkTo(new DiscardingSink<>()).uid("bench-discard").name("discard");
        JobClient job = env.executeAsync("telemetry-state-bench");
        try {
            awaitSeen(BASELINE_DEVICES, Duration.ofMinutes(2));
            long baseline = usedHeapAfterGc();
            long startNanos = System.nanoTime();
            awaitSeen(devices, Duration.ofMinutes(20));
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long loaded = usedHeapAfterGc();
            Path dir = Files.createTempDirectory("telemetry-bench-savepoint");
            String savepoint = job.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(10, java.util.concurrent.TimeUnit.MINUTES);
            long savepointBytes = sizeOf(Path.of(java.net.URI.create(savepoint)));
            long stateHeap = loaded - baseline;
            System.out.printf(Locale.ROOT, "state: %d devices through the orderer in %.1f s (%.0f devices/s)%n",
                    devices, seconds, (devices - BASELINE_DEVICES) / seconds);
            if (backend.equals("rocksdb")) {
                // the state lives off-heap: its files (memtables not yet flushed are not counted)
                System.out.printf(Locale.ROOT, "RocksDB local files: %d MiB at %d devices (heap used after full GC:"
                        + " %d MiB; memtables not counted)%n", sizeOf(rocksDir) >> 20, devices, loaded >> 20);
            } else {
                System.out.printf(Locale.ROOT, "heap used after full GC: %d MiB at %d devices, %d MiB at %d devices:"
                                + " %d MiB for the state, %.0f bytes/device (%s state backend, max heap %d MiB)%n",
                        baseline >> 20, BASELINE_DEVICES, loaded >> 20, devices, stateHeap >> 20,
                        (double) stateHeap / (devices - BASELINE_DEVICES), backend, Runtime.getRuntime().maxMemory() >> 20);
            }
            System.out.printf(Locale.ROOT, "canonical savepoint: %d MiB, %.0f bytes/device (%s)%n",
                    savepointBytes >> 20, (double) savepointBytes / devices, savepoint);
        } finally {
            job.cancel().get();
        }
    }

    /** Readings 0..devices-1 are seq 0 of distinct devices; later ones repeat device 0 slowly (duplicates). */
    private static HoverboardReading nthReading(long index, long devices) throws InterruptedException {
        if (index >= devices) {
            // keeps the job alive without adding keys; the pause leaves the source's mailbox free for the savepoint
            Thread.sleep(1);
        }
        return HoverboardReading.newBuilder().setDeviceId("device-" + (index >= devices ? 0 : index)).setSeq(0)
                .setEventTime(Instant.parse("2026-11-01T12:00:00Z")).setBatteryPct(80).setTemperatureC(21)
                .build();
    }

    private static void awaitSeen(long count, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (Counted.SEEN.get() < count) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("only " + Counted.SEEN.get() + " of " + count + " devices after " + deadline);
            }
            Thread.sleep(100);
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long median(JobRun[] runs, ToLongFunction<JobRun> span) {
        long[] values = new long[runs.length];
        for (int i = 0; i < runs.length; i++) {
            values[i] = span.applyAsLong(runs[i]);
        }
        java.util.Arrays.sort(values);
        return values[values.length / 2];
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static byte[] avro(HoverboardReading r) throws IOException {
        ByteBuffer b = r.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    /**
     * The steady window of a job: from the moment the source subtasks together have read {@link #FROM} of the
     * events to the moment they have read {@link #TO} of them. It leaves out what every job pays once and a
     * TaskManager running for days does not: deployment, the consumers' first fetches, the JIT compiling the job's
     * freshly loaded code paths (new lambda classes per job), and the end of input. The sources can run ahead of
     * the orderer only by the network buffers (a few thousand readings), so their rate in the window is the job's.
     */
    static final class SteadyWindow {
        static final double FROM = 0.3;
        static final double TO = 0.9;
        private static final AtomicLong READ = new AtomicLong();
        private static volatile long events;
        private static volatile long startNanos;
        private static volatile long startCpu;
        private static volatile long endNanos;
        private static volatile long endCpu;

        static void reset(long totalEvents) {
            READ.set(0);
            events = totalEvents;
            startNanos = 0;
            endNanos = 0;
        }

        static void read(int count) {
            long read = READ.addAndGet(count);
            if (startNanos == 0 && read >= FROM * events) {
                startCpu = PROCESS.getProcessCpuTime();
                startNanos = System.nanoTime();
            } else if (endNanos == 0 && read >= TO * events) {
                endCpu = PROCESS.getProcessCpuTime();
                endNanos = System.nanoTime();
            }
        }

        /** Fails if the job never got through the window. */
        static void check() {
            if (startNanos == 0 || endNanos == 0) {
                // counted in steps of STEP per source subtask: a run of a few thousand readings never gets there
                throw new IllegalStateException("the job ended before its sources had read " + TO + " of the "
                        + events + " events: the steady window needs at least ~200 000 readings (first argument)");
            }
        }

        /** Events in the window. */
        static double events() {
            return (TO - FROM) * events;
        }
    }

    /** Counts readings released by the orderer (same JVM). */
    static final class Counted implements MapFunction<HoverboardReading, HoverboardReading> {
        static final AtomicLong SEEN = new AtomicLong();

        @Override
        public HoverboardReading map(HoverboardReading value) {
            SEEN.incrementAndGet();
            return value;
        }
    }
}
