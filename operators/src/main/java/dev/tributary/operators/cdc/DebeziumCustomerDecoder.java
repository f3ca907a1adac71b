package dev.tributary.operators.cdc;

import dev.tributary.events.ChangeOp;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.DeadLetters;
import dev.tributary.operators.codec.DecodeMetrics;
import dev.tributary.operators.codec.Decoded;
import dev.tributary.operators.codec.EventCodec;
import dev.tributary.operators.codec.IsoInstants;
import dev.tributary.operators.codec.PayloadFormat;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.codec.RecordValidator;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.codec.SourceDecoder;
import dev.tributary.operators.codec.Violation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.types.Either;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the change events Debezium's PostgreSQL connector writes for a customers table (Kafka Connect's
 * {@code JsonConverter} without embedded schemas, as {@code bin/stack}'s worker is configured): {@code op} is
 * {@code r} (snapshot read), {@code c}, {@code u} or {@code d}; {@code after} holds the row after the change,
 * {@code before} the deleted row's key; {@code source.lsn} the change's position in the write-ahead log.
 *
 * <ul>
 *   <li>{@code r}, {@code c}, {@code u} → {@link ChangeOp#UPSERT} with the row's columns {@code customer_id},
 *       {@code name}, {@code email}, {@code tier}, {@code updated_at} (ISO-8601, Debezium's {@code ZonedTimestamp}).</li>
 *   <li>{@code d} → {@link ChangeOp#DELETE} of {@code before.customer_id}, at the event's {@code source.ts_ms}.</li>
 *   <li>A tombstone (null value, written after each delete for log compaction) carries nothing the delete did not:
 *       skipped and counted ({@code changeTombstonesSkipped}).</li>
 *   <li>Anything else (a truncate, bad JSON, a missing column) is a dead letter with its reason and offset.</li>
 * </ul>
 *
 * <p>The version of a change is its LSN, not the table's own {@code version} column: the database orders a row's
 * changes by their log position whether or not the application bumps a column, so a replayed change (Connect
 * resends after a crash) is a no-op and a later one always wins.
 */
public final class DebeziumCustomerDecoder implements SourceDecoder<CustomerChange> {

    private static final long serialVersionUID = 1L;

    static final String TOMBSTONES = "changeTombstonesSkipped";

    private final String flow;
    private final String operatorUid;
    private final CodecLimits limits;
    private final RecordValidator<? super CustomerChange> validator;

    private transient ObjectMapper json;
    private transient DecodeMetrics metrics;
    private transient Counter tombstones;

    public DebeziumCustomerDecoder(String flow, String operatorUid, CodecLimits limits,
                                   RecordValidator<? super CustomerChange> validator) {
        this.flow = Objects.requireNonNull(flow, "flow");
        this.operatorUid = Objects.requireNonNull(operatorUid, "operatorUid");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.validator = Objects.requireNonNull(validator, "validator");
    }

    @Override
    public Class<CustomerChange> type() {
        return CustomerChange.class;
    }

    @Override
    public void open(MetricGroup metricGroup) {
        json = EventCodec.jsonMapper(limits);
        metrics = new DecodeMetrics(metricGroup);
        tombstones = metricGroup.counter(TOMBSTONES);
    }

    @Override
    public Either<DeadLetter, CustomerChange> decode(RawRecord raw) {
        if (raw.value == null) {
            tombstones.inc();
            return null;
        }
        metrics.received(raw.value.length);
        if (raw.value.length > limits.maxPayloadBytes()) {
            return reject(raw, RejectReason.OVERSIZED, "change event of " + raw.value.length
                    + " bytes exceeds the limit of " + limits.maxPayloadBytes() + " bytes");
        }
        Decoded<JsonNode> parsed = EventCodec.parseJson(raw.value, json);
        if (parsed instanceof Decoded.Rejected<JsonNode> rejected) {
            return reject(raw, rejected.reasonCode(), rejected.reason());
        }
        JsonNode event = ((Decoded.Ok<JsonNode>) parsed).value();
        try {
            CustomerChange change = read(event);
            Optional<Violation> violation = validator.validate(change);
            if (violation.isPresent()) {
                return reject(raw, violation.get().reasonCode(), violation.get().reason());
            }
            metrics.decoded(PayloadFormat.JSON);
            return Either.Right(change);
        } catch (BadEvent e) {
            return reject(raw, e.code, e.getMessage());
        }
    }

    private static CustomerChange read(JsonNode event) throws BadEvent {
        if (!event.isObject()) {
            throw new BadEvent(RejectReason.MALFORMED_JSON, "a change event is a JSON object");
        }
        String op = text(event, "op", "op", true);
        long position = number(event.path("source"), "lsn", "source.lsn");
        CustomerChange.Builder change = CustomerChange.newBuilder().setPosition(position);
        switch (op) {
            case "r", "c", "u" -> {
                JsonNode after = row(event, "after");
                change.setOp(ChangeOp.UPSERT)
                        .setCustomerId(text(after, "customer_id", "after.customer_id", true))
                        .setName(text(after, "name", "after.name", true))
                        .setEmail(text(after, "email", "after.email", false))
                        .setTier(text(after, "tier", "after.tier", false))
                        .setUpdatedAt(instant(after, "updated_at", "after.updated_at"));
            }
            case "d" -> {
                JsonNode before = row(event, "before");
                change.setOp(ChangeOp.DELETE)
                        .setCustomerId(text(before, "customer_id", "before.customer_id", true))
                        .setUpdatedAt(Instant.ofEpochMilli(number(event.path("source"), "ts_ms", "source.ts_ms")));
            }
            default -> throw new BadEvent(RejectReason.INVALID_VALUE, "op '" + op + "' is not a row change (r, c, u"
                    + " or d): a truncate or a message cannot be applied row by row");
        }
        return change.build();
    }

    private static JsonNode row(JsonNode event, String field) throws BadEvent {
        JsonNode row = event.get(field);
        if (row == null || !row.isObject()) {
            throw new BadEvent(RejectReason.MISSING_FIELD, field + " must be the row's columns, was "
                    + (row == null ? "absent" : row.getNodeType()));
        }
        return row;
    }

    private static String text(JsonNode node, String field, String path, boolean required) throws BadEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new BadEvent(RejectReason.MISSING_FIELD, path + " is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new BadEvent(RejectReason.WRONG_TYPE, path + " must be a string, was " + value.getNodeType());
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field, String path) throws BadEvent {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new BadEvent(RejectReason.MISSING_FIELD, path + " is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new BadEvent(RejectReason.WRONG_TYPE, path + " must be an integer, was " + value.getNodeType());
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode node, String field, String path) throws BadEvent {
        String text = text(node, field, path, true);
        try {
            return IsoInstants.parse(text);
        } catch (DateTimeParseException e) {
            throw new BadEvent(RejectReason.WRONG_TYPE, path + " must be an ISO-8601 timestamp, was '"
                    + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "'");
        }
    }

    private Either<DeadLetter, CustomerChange> reject(RawRecord raw, String code, String reason) {
        metrics.rejected(code);
        return Either.Left(DeadLetters.of(flow, operatorUid, code, reason, DeadLetters.Source.of(raw), raw.value));
    }

    /** Why an event cannot be read: a reason code and a message naming the field. */
    private static final class BadEvent extends Exception {
        final String code;

        BadEvent(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
