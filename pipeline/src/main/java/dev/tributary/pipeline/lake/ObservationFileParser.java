package dev.tributary.pipeline.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.codec.DeadLetters;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.RecordValidator;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.operators.codec.Violation;
import dev.tributary.operators.assets.ObjectKeys;
import dev.tributary.sinks.objectstore.ContentAddressedStore;
import dev.tributary.sinks.objectstore.FileSystemObjectStore;
import dev.tributary.sinks.objectstore.ObjectStore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Parses stored landing files of a known shape — observations as CSV (header row with the field names) or
 * JSON lines — into {@link Observation} records, validated by the same codec as the Kafka topics. A file is
 * all or nothing: a first pass validates every row (streaming, bounded memory), and only a file without a bad
 * row is emitted in a second pass, so a corrupt file never half-enters the observations flow. Each parse adds a
 * PARSE operation (rows counted, or the first bad row and why) to the object's catalog entry, on the side
 * output {@link #CATALOG}; a rejected file also becomes one dead letter ({@link #DEAD_LETTERS}) so it is counted
 * with every other reject.
 */
public final class ObservationFileParser extends ProcessFunction<CatalogEntry, Observation> {

    private static final long serialVersionUID = 1L;
    public static final String PARSE = "PARSE";
    public static final OutputTag<CatalogEntry> CATALOG = new OutputTag<>("catalog-updates", AvroTypes.of(CatalogEntry.class));
    /** A rejected file, once: its first bad line with the reason, keyed by the object key. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", AvroTypes.of(DeadLetter.class));
    public static final String MALFORMED_CSV = "MALFORMED_CSV";
    public static final String EMPTY_FILE = "EMPTY_FILE";
    /** Metric: files rejected, and {@code landedFilesRejected_<CODE>} per reason code. */
    public static final String REJECTED_FILES = "landedFilesRejected";
    /** A longer line is OVERSIZED: the same bound as a Kafka message, so a row fits either way. */
    static final int MAX_LINE_CHARS = CodecLimits.DEFAULTS.maxPayloadBytes();

    /** The first bad line of a file: reason code, reason (with the line number) and the line itself. */
    private record Failure(String code, String reason, String line) {}
    private static final List<String> NUMERIC = List.of("latitude", "longitude");

    private final URI rawZone;
    private final String job;
    private final String operator;
    private transient EventCodec<Observation> codec;
    private transient RecordValidator<Observation> validator;
    private transient ObjectMapper json;
    private transient Counter parsed;
    private transient Counter rejectedFiles;
    /** Per reason code, created when a reason first occurs (as the decode operators' rejected_&lt;CODE&gt;). */
    private transient Map<String, Counter> rejectedByReason;
    private transient ContentAddressedStore rawZoneObjects;
    private transient FileSystemObjectStore rawZoneStore;

    public ObservationFileParser(URI rawZone, String job, String operator) {
        this.rawZone = rawZone;
        this.job = job;
        this.operator = operator;
    }

    /** Files of this name are observations: CSV or JSON lines. */
    public static boolean isObservationFile(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".jsonl") || n.endsWith(".ndjson");
    }

    @Override
    public void open(OpenContext openContext) {
        codec = EventCodec.forType(Observation.class);
        validator = ValidatorRegistry.defaults().forType(Observation.class);
        json = new ObjectMapper();
        parsed = getRuntimeContext().getMetricGroup().counter("landedObservations");
        rejectedFiles = getRuntimeContext().getMetricGroup().counter(REJECTED_FILES);
        rejectedByReason = new HashMap<>();
        rawZoneStore = new FileSystemObjectStore(rawZone);
        rawZoneObjects = new ContentAddressedStore(rawZoneStore, ObjectKeys.RAW_OBJECTS);
    }

    @Override
    public void close() throws Exception {
        if (rawZoneStore != null) {
            rawZoneStore.close();
        }
        super.close();
    }

    @Override
    public void processElement(CatalogEntry entry, Context ctx, Collector<Observation> out) throws IOException {
        boolean stored = entry.getOperations().stream().anyMatch(o -> o.getSucceeded() && LandingFormat.STORE.equals(o.getName()));
        if (!stored || !isObservationFile(entry.getOriginalName())) {
            return;
        }
        Instant now = Instant.now();
        Failure failure = scan(entry, r -> {});
        if (failure == null) {
            long[] rows = new long[1];
            scan(entry, r -> {
                out.collect(r);
                rows[0]++;
            });
            parsed.inc(rows[0]);
            ctx.output(CATALOG, update(entry, now, true, null, rows[0]));
        } else {
            rejectedFiles.inc();
            rejectedByReason.computeIfAbsent(failure.code(),
                    code -> getRuntimeContext().getMetricGroup().counter(REJECTED_FILES + "_" + code)).inc();
            ctx.output(CATALOG, update(entry, now, false, failure.code() + ": " + failure.reason(), 0));
            ctx.output(DEAD_LETTERS, DeadLetters.of("lake", operator, failure.code(),
                    "landed file " + entry.getOriginalName() + " (" + entry.getObjectKey() + "), " + failure.reason(),
                    new DeadLetters.Source(null, null, null, null, entry.getObjectKey().getBytes(StandardCharsets.UTF_8)),
                    failure.line().getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Reads the stored object row by row; returns the first bad row, or null if all are valid. */
    private Failure scan(CatalogEntry entry, Consumer<Observation> sink) throws IOException {
        boolean csv = entry.getOriginalName().toLowerCase(Locale.ROOT).endsWith(".csv");
        long number = 0;
        try (InputStream in = ObjectStore.await(rawZoneObjects.open(entry.getObjectKey()));
             // REPORT, not the JDK's default REPLACE: invalid UTF-8 must reject the file, not turn into U+FFFD silently
             InputStreamReader text = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT))) {
            BoundedLines lines = new BoundedLines(text, MAX_LINE_CHARS);
            List<String> header = null;
            String line;
            long rows = 0;
            while ((line = lines.next()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (csv && header == null) {
                    header = CsvLine.split(line);
                    continue;
                }
                byte[] record;
                if (csv) {
                    List<String> cells = CsvLine.split(line);
                    if (cells.size() != header.size()) {
                        return new Failure(MALFORMED_CSV, "line " + number + ": " + cells.size() + " cells, header has "
                                + header.size(), line);
                    }
                    record = toJson(header, cells);
                } else {
                    record = line.getBytes(StandardCharsets.UTF_8);
                }
                Decoded<Observation> decoded = codec.decode(record);
                if (decoded instanceof Decoded.Rejected<Observation> r) {
                    return new Failure(r.reasonCode(), "line " + number + ": " + r.reason(), line);
                }
                Observation observation = ((Decoded.Ok<Observation>) decoded).value();
                // the same rules as the topics' decode operators, so a file is all or nothing for them too
                Optional<Violation> violation = validator.validate(observation);
                if (violation.isPresent()) {
                    return new Failure(RejectReason.INVALID_VALUE, "line " + number + ": " + violation.get().reason(), line);
                }
                sink.accept(observation);
                rows++;
            }
            return rows == 0 ? new Failure(EMPTY_FILE, "no observation rows", "") : null;
        } catch (BoundedLines.LineTooLongException e) {
            return new Failure(RejectReason.OVERSIZED, "line " + (number + 1) + ": " + e.getMessage(), e.start());
        } catch (CharacterCodingException e) {
            // the decoder reads ahead of the lines handed out, so the line number is where the scan stood
            return new Failure(RejectReason.INVALID_UTF8, "not valid UTF-8 at or after line " + (number + 1), "");
        }
    }

    private byte[] toJson(List<String> header, List<String> cells) throws IOException {
        ObjectNode node = json.createObjectNode();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            String value = cells.get(i);
            if (value.isEmpty()) {
                node.putNull(name);
            } else if (NUMERIC.contains(name)) {
                try {
                    node.put(name, Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    node.put(name, value); // the codec rejects it with a WRONG_TYPE reason
                }
            } else {
                node.put(name, value);
            }
        }
        return json.writeValueAsBytes(node);
    }

    private CatalogEntry update(CatalogEntry stored, Instant at, boolean ok, String reason, long rows) {
        var attributes = new HashMap<String, String>();
        if (ok) {
            attributes.put("observations", Long.toString(rows));
        }
        return CatalogEntry.newBuilder(stored)
                .setModifiedAt(stored.getModifiedAt())
                .setOperations(new ArrayList<>(List.of(CatalogOperation.newBuilder().setName(PARSE).setAt(at).setJob(job)
                        .setOperator(operator).setSucceeded(ok).setReason(reason).build())))
                .setAttributes(attributes).build();
    }
}
