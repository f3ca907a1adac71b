package dev.tributary.ingest;

import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.RecordValidator;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.codec.SchemaHistory;
import dev.tributary.operators.codec.SingleObjectBytes;
import dev.tributary.operators.codec.ValidatorRegistry;
import dev.tributary.operators.codec.Violation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads the body of one POST into records of one event type, with the same contract as the job's decoders: the
 * codec that reads the input topics ({@link EventCodec}: JSON or Avro, any known schema version) and the type's
 * rules ({@link ValidatorRegistry}). What it accepts it re-encodes as Avro single-object encoding, so the topic
 * holds one format whatever the device sent.
 *
 * <p>Bodies: {@code application/json} (one object, or an array of objects), or {@code application/avro} (one
 * record in single-object encoding, or an Avro object container file holding a batch). Not thread-safe: one per
 * thread.
 */
public final class RequestReader<T extends SpecificRecordBase> {

    /** Avro object container files start with these bytes ("Obj" 1). */
    private static final byte[] CONTAINER_MAGIC = {'O', 'b', 'j', 1};
    private static final int MAX_REASON_CHARS = 500;

    private final EventRoute<T> route;
    private final int maxRecords;
    private final CodecLimits limits;
    private final EventCodec<T> codec;
    private final RecordValidator<? super T> rules;
    private final ObjectMapper bodyParser;
    private final BinaryMessageEncoder<T> encoder;

    public RequestReader(EventRoute<T> route, int maxBodyBytes, int maxRecords, CodecLimits limits, ValidatorRegistry validators) {
        this.route = route;
        this.maxRecords = maxRecords;
        this.limits = limits;
        this.codec = EventCodec.forType(route.type(), limits, SchemaHistory.fromClasspath(route.type().getClassLoader()));
        this.rules = validators.forType(route.type());
        // one level deeper than a record may nest: the batch's array
        this.bodyParser = EventCodec.jsonMapper(new CodecLimits(maxBodyBytes, limits.maxNestingDepth() + 1, limits.maxStringLength()));
        SpecificData model = SpecificData.getForClass(route.type());
        this.encoder = new BinaryMessageEncoder<>(model, codec.schema());
    }

    /** The records of the body, each valid or not; throws when the body as a whole cannot be read. */
    public List<ParsedRecord> read(MediaKind kind, byte[] body) throws RequestRejected {
        if (body.length == 0) {
            throw new RequestRejected(400, RejectReason.EMPTY_PAYLOAD, "the request body is empty");
        }
        return switch (kind) {
            case JSON -> readJson(body);
            case AVRO -> isContainer(body) ? readContainer(body) : List.of(judge(0, codec.decode(body)));
        };
    }

    private List<ParsedRecord> readJson(byte[] body) throws RequestRejected {
        JsonNode root;
        try {
            root = bodyParser.readTree(body);
        } catch (StreamConstraintsException e) {
            throw new RequestRejected(400, RejectReason.LIMIT_EXCEEDED, "the JSON body exceeds a parser limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new RequestRejected(400, RejectReason.MALFORMED_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RequestRejected(400, RejectReason.MALFORMED_JSON, "the body could not be read as JSON: " + e.getMessage());
        }
        if (root == null) {
            throw new RequestRejected(400, RejectReason.EMPTY_PAYLOAD, "the request body holds no JSON value");
        }
        if (root.isObject()) {
            return List.of(judge(0, codec.fromJson(root)));
        }
        if (!root.isArray()) {
            throw new RequestRejected(400, RejectReason.MALFORMED_JSON, "the body must be a JSON object (one record) or an "
                    + "array of objects (a batch), not " + root.getNodeType().toString().toLowerCase());
        }
        checkCount(root.size());
        List<ParsedRecord> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            out.add(judge(i, codec.fromJson(root.get(i))));
        }
        return out;
    }

    private List<ParsedRecord> readContainer(byte[] body) throws RequestRejected {
        List<ParsedRecord> out = new ArrayList<>();
        // the container names its writer schema; Avro resolves it against the current one, as for a topic's records
        try (DataFileStream<T> file = new DataFileStream<>(new ByteArrayInputStream(body),
                new SpecificDatumReader<>(route.type()))) {
            while (file.hasNext()) {
                checkCount(out.size() + 1);
                out.add(judge(out.size(), Decoded.ok(file.next())));
            }
        } catch (IOException | AvroRuntimeException e) {
            throw new RequestRejected(400, RejectReason.MALFORMED_AVRO, "the Avro container could not be read as "
                    + route.type().getSimpleName() + " (record " + out.size() + "): " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new RequestRejected(400, RejectReason.EMPTY_PAYLOAD, "the Avro container holds no record");
        }
        return out;
    }

    private void checkCount(int count) throws RequestRejected {
        if (count > maxRecords) {
            throw new RequestRejected(413, RejectReason.LIMIT_EXCEEDED, "a request may carry at most " + maxRecords
                    + " records, this one has " + count + " or more; split the batch");
        }
    }

    private ParsedRecord judge(int index, Decoded<T> decoded) {
        if (decoded instanceof Decoded.Rejected<T> rejected) {
            return new ParsedRecord.Invalid(index, rejected.reasonCode(), cut(rejected.reason()));
        }
        T record = ((Decoded.Ok<T>) decoded).value();
        Optional<Violation> violation = rules.validate(record);
        if (violation.isPresent()) {
            return new ParsedRecord.Invalid(index, violation.get().reasonCode(), cut(violation.get().reason()));
        }
        byte[] value;
        try {
            value = SingleObjectBytes.encode(encoder, record);
        } catch (RuntimeException e) {
            return new ParsedRecord.Invalid(index, RejectReason.INVALID_VALUE, cut("cannot be encoded as Avro: " + e.getMessage()));
        }
        if (value.length > limits.maxPayloadBytes()) {
            return new ParsedRecord.Invalid(index, RejectReason.OVERSIZED, "the record is " + value.length
                    + " bytes as Avro, above the limit of " + limits.maxPayloadBytes());
        }
        return new ParsedRecord.Valid(index, route.keyOf(record), value);
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "…";
    }

    private static boolean isContainer(byte[] body) {
        return body.length >= CONTAINER_MAGIC.length
                && Arrays.equals(body, 0, CONTAINER_MAGIC.length, CONTAINER_MAGIC, 0, CONTAINER_MAGIC.length);
    }

    /** The body formats accepted, by Content-Type. */
    public enum MediaKind {
        JSON, AVRO;

        static final String ACCEPTED = "application/json, application/avro (or avro/binary)";

        static Optional<MediaKind> of(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            String type = contentType.split(";", 2)[0].strip().toLowerCase();
            return switch (type) {
                case "application/json" -> Optional.of(JSON);
                case "application/avro", "avro/binary", "application/vnd.apache.avro+binary" -> Optional.of(AVRO);
                default -> Optional.empty();
            };
        }
    }
}
