package dev.tributary.bench;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.RawEvent;
import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.flows.EventType;
import dev.tributary.pipeline.flows.FlowContext;
import dev.tributary.pipeline.flows.ObservationsFlow;
import dev.tributary.pipeline.io.Sinks;
import dev.tributary.pipeline.io.KafkaInput;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.SourceDecoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.types.Either;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.search.DocumentMapper;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the production observations flow ({@link ObservationsFlow} through {@link TributaryJob#build}: decode,
 * event time, gate, dedupe, fan-out, 2-minute windows) on N generated observations (default 300 000; every
 * 50th a copy of the one before; 5 kingdoms, 200 species, 3 sources; 10 ms of event time apart per source
 * subtask) in a local MiniCluster at parallelism 2, its sinks replaced by counting ones; and, in the same run,
 * a passthrough job on the same input (decode → sink). Prints observations/s of both, their ratio, and the
 * window results/s of the flow. Servers are not involved: this measures the flow's own operators.
 *
 * <p>Args: {@code [observations]}.
 */
public final class ObservationsFlowBench {

    private static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    private static final String[] KINGDOMS = {"Animalia", "Plantae", "Fungi", "Chromista", "Bacteria"};
    private static final String[] SOURCES = {"gbif", "obis", "idigbio"};

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 300_000;

        run(20_000, false);   // warm-up: JIT, class loading, the first MiniCluster start
        run(20_000, true);
        long passNanos = run(n, false);
        long passOut = CountingSink.count("passthrough");
        long flowNanos = run(n, true);
        long unique = CountingSink.count(ObservationsFlow.FLOW + "-warehouse-sink");
        long results = CountingSink.count(ObservationsFlow.FLOW + "-counts-warehouse-sink");
        long copies = n / 50;
        if (passOut != n || unique != n - copies || CountingSink.count("dead-letter") != 0) {
            throw new IllegalStateException("benchmark broken: passthrough " + passOut + ", unique " + unique
                    + " (expected " + (n - copies) + "), dead letters " + CountingSink.count("dead-letter"));
        }

        double passRate = n / (passNanos / 1e9);
        double flowRate = n / (flowNanos / 1e9);
        System.out.printf(Locale.ROOT, "observations: %d (%d copies dropped), parallelism 2, window 2min%n", n, copies);
        System.out.printf(Locale.ROOT, "passthrough (decode → sink):  %9.0f obs/s (%.2f s, whole job)%n", passRate, passNanos / 1e9);
        System.out.printf(Locale.ROOT, "observations flow:            %9.0f obs/s (%.2f s, whole job)%n", flowRate, flowNanos / 1e9);
        System.out.printf(Locale.ROOT, "window results: %d, %.0f results/s%n", results, results / (flowNanos / 1e9));
        System.out.printf(Locale.ROOT, "ratio flow/passthrough: %.2f%n", flowRate / passRate);
    }

    static byte[] observation(long index, long perSubtask) {
        long id = index % 50 == 49 ? index - 1 : index;   // a copy of the previous one: dropped by the dedupe
        String source = SOURCES[(int) (id % SOURCES.length)];
        Observation o = Observation.newBuilder().setOccurrenceId("occ-" + id).setSource(source)
                .setKingdom(KINGDOMS[(int) (id % KINGDOMS.length)])
                .setScientificName("Species " + (id % 200)).setSpecies("Species " + (id % 200))
                .setEventTime(T0.plusMillis((id % perSubtask) * 10)).setLatitude(10.0).setLongitude(20.0).build();
        return AvroEventSerializer.encode(o);
    }

    /** Wall time of one job, whole (start to end). */
    private static long run(long n, boolean flow) throws Exception {
        CountingSink.COUNTS.clear();
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        JobSettings settings = JobSettings.parse(Map.of("flows", "observations", "kafka.check-reachable", "false"), Map.of());
        long perSubtask = Math.max(1, n / 2);
        // the generator splits the index range in two halves, one per subtask: both walk the same event times
        // the job's input as the Kafka source builds it (decode in the source, event time per split), fed from memory
        Sources generated = new Sources() {
            @Override
            public <T extends SpecificRecordBase> DataStream<Either<DeadLetter, T>> kafka(
                    StreamExecutionEnvironment e, KafkaInput<T> input) {
                SourceDecoder<T> decoder = input.decoder();
                GeneratorFunction<Long, Either<DeadLetter, T>> decoding = new GeneratorFunction<>() {
                    @Override
                    public void open(SourceReaderContext readerContext) {
                        decoder.open(readerContext.metricGroup());
                    }

                    @Override
                    public Either<DeadLetter, T> map(Long i) {
                        return decoder.decode(RawRecord.of("observations.gbif", 0, i, 0,
                                ("occ-" + i).getBytes(StandardCharsets.UTF_8), observation(i, perSubtask)));
                    }
                };
                return e.fromSource(new DataGeneratorSource<>(decoding, n, RateLimiterStrategy.noOp(), input.producedType()),
                        input.watermarks(), input.name()).uid(input.uid()).name(input.name());
            }
        };
        FlowContext context = new FlowContext(env, settings, generated, new CountingSinks());
        if (flow) {
            TributaryJob.build(context);
        } else {
            context.inputs().records(EventType.OBSERVATION)
                    .sinkTo(new CountingSink<>("passthrough")).uid("passthrough-sink").name("passthrough");
        }
        long start = System.nanoTime();
        env.execute(flow ? "observations-flow-bench" : "passthrough-bench");
        return System.nanoTime() - start;
    }

    /** Every sink of the flow counts what reaches it, under its operator uid or name. */
    static final class CountingSinks implements Sinks {
        @Override
        public Sink<DeadLetter> deadLetters() {
            return new CountingSink<>("dead-letter");
        }

        @Override
        public <T> Sink<T> kafka(String sinkName, String topic, SerializationSchema<T> key, SerializationSchema<T> value) {
            return new CountingSink<>("kafka-" + sinkName);
        }

        @Override
        public <T> Sink<T> warehouse(String flow, String operatorUid, List<WarehouseTable<? extends T>> tables) {
            return new CountingSink<>(operatorUid);
        }

        @Override
        public <T> Sink<T> search(String flow, String operatorUid, DocumentMapper<T> mapper, String... templates) {
            return new CountingSink<>(operatorUid);
        }

        @Override
        public Sink<RawEvent> rawZone() {
            return new CountingSink<>("raw-zone");
        }
    }
}
