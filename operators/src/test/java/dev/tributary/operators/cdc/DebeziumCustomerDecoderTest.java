package dev.tributary.operators.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.ChangeOp;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.operators.codec.RejectReason;
import dev.tributary.operators.codec.ValidatorRegistry;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The change events of {@code src/test/resources/cdc/} are what Debezium 3.6.1 wrote on the stack for an insert,
 * an update and a delete of one shop customer ({@code bin/topic shop.public.customers}).
 */
class DebeziumCustomerDecoderTest {

    private static final String TOPIC = "shop.public.customers";
    private final Map<String, Counter> counters = new HashMap<>();
    private final DebeziumCustomerDecoder decoder = opened(CodecLimits.DEFAULTS);

    private DebeziumCustomerDecoder opened(CodecLimits limits) {
        DebeziumCustomerDecoder d = new DebeziumCustomerDecoder("telemetry", "customer-change-source", limits,
                ValidatorRegistry.of(Clock.systemUTC(), Duration.ofMinutes(5), ValidatorRegistry.DEFAULT_MAX_PAST)
                        .forType(CustomerChange.class));
        d.open(new UnregisteredMetricsGroup() {
            @Override
            public Counter counter(String name) {
                return counters.computeIfAbsent(name, n -> new SimpleCounter());
            }
        });
        return d;
    }

    @Test
    void anInsertAndAnUpdateAreUpsertsVersionedByTheirLogPosition() throws IOException {
        CustomerChange insert = decoded(fixture("insert.json"));
        assertThat(insert.getOp()).isEqualTo(ChangeOp.UPSERT);
        assertThat(insert.getCustomerId()).isEqualTo("probe-1");
        assertThat(insert.getName()).isEqualTo("Ada");
        assertThat(insert.getEmail()).isEqualTo("a@x.org");
        assertThat(insert.getTier()).isEqualTo("GOLD");
        assertThat(insert.getPosition()).isEqualTo(35303424L);
        assertThat(insert.getUpdatedAt()).isEqualTo(Instant.parse("2026-12-06T22:54:20.956Z")); // timestamp-millis

        CustomerChange update = decoded(fixture("update.json"));
        assertThat(update.getOp()).isEqualTo(ChangeOp.UPSERT);
        assertThat(update.getTier()).isEqualTo("SILVER");
        assertThat(update.getPosition()).isGreaterThan(insert.getPosition());
        assertThat(counters.get("decodedJson").getCount()).isEqualTo(2);
    }

    @Test
    void aSnapshotReadIsAnUpsertToo() throws IOException {
        String read = fixture("insert.json").replace("\"op\":\"c\"", "\"op\":\"r\"").replace("\"snapshot\":\"false\"", "\"snapshot\":\"true\"");
        assertThat(decoded(read).getOp()).isEqualTo(ChangeOp.UPSERT);
    }

    @Test
    void aDeleteNamesTheKeyAtTheTimeTheDatabaseDeletedIt() throws IOException {
        CustomerChange delete = decoded(fixture("delete.json"));
        assertThat(delete.getOp()).isEqualTo(ChangeOp.DELETE);
        assertThat(delete.getCustomerId()).isEqualTo("probe-1");
        assertThat(delete.getName()).isNull(); // the before image of a delete holds the key only (REPLICA IDENTITY DEFAULT)
        assertThat(delete.getPosition()).isEqualTo(35303952L);
        assertThat(delete.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(1796597660960L));
    }

    @Test
    void theTombstoneAfterADeleteIsSkippedAndCounted() {
        assertThat(decoder.decode(RawRecord.of(TOPIC, 1, 9, 0, "{\"customer_id\":\"probe-1\"}".getBytes(StandardCharsets.UTF_8), null)))
                .isNull();
        assertThat(counters.get(DebeziumCustomerDecoder.TOMBSTONES).getCount()).isEqualTo(1);
        assertThat(counters.get("decodeRecordsIn").getCount()).isZero();
    }

    @Test
    void whatCannotBeAppliedIsADeadLetterNamingReasonAndOffset() throws IOException {
        String insert = fixture("insert.json");
        assertThat(rejected(insert.replace("\"op\":\"c\"", "\"op\":\"t\""), RejectReason.INVALID_VALUE).getReason())
                .contains("op 't'");
        assertThat(rejected("{\"op\":", RejectReason.MALFORMED_JSON).getSourceOffset()).isEqualTo(42L);
        assertThat(rejected(insert.replace("\"lsn\":35303424,", ""), RejectReason.MISSING_FIELD).getReason())
                .contains("source.lsn");
        assertThat(rejected(insert.replace("\"after\":{", "\"after\":null,\"x\":{"), RejectReason.MISSING_FIELD).getReason())
                .contains("after");
        assertThat(rejected(insert.replace("\"name\":\"Ada\"", "\"name\":7"), RejectReason.WRONG_TYPE).getReason())
                .contains("after.name");
        assertThat(rejected(insert.replace("2026-12-06T22:54:20.956351Z", "yesterday"), RejectReason.WRONG_TYPE).getReason())
                .contains("after.updated_at");
        // the validator's rules: a blank name, an id past its 128 characters, a row changed in the future
        rejected(insert.replace("\"name\":\"Ada\"", "\"name\":\" \""), RejectReason.INVALID_VALUE);
        rejected(insert.replace("probe-1", "p".repeat(129)), RejectReason.INVALID_VALUE);
        rejected(insert.replace("2026-12-06T22:54:20.956351Z", Instant.now().plus(Duration.ofDays(1)).toString()),
                RejectReason.EVENT_TIME_AHEAD);
        assertThat(counters.get("rejected").getCount()).isEqualTo(9);
    }

    @Test
    void anEventPastThePayloadLimitIsNotParsed() throws IOException {
        DebeziumCustomerDecoder small = opened(new CodecLimits(256, 32, 1024));
        Either<DeadLetter, CustomerChange> out = small.decode(raw(fixture("insert.json")));
        assertThat(out.isLeft()).isTrue();
        assertThat(out.left().getReasonCode()).isEqualTo(RejectReason.OVERSIZED);
    }

    private CustomerChange decoded(String event) {
        Either<DeadLetter, CustomerChange> out = decoder.decode(raw(event));
        assertThat(out.isRight()).as(() -> out.isLeft() ? out.left().getReason() : "").isTrue();
        return out.right();
    }

    private DeadLetter rejected(String event, String code) {
        Either<DeadLetter, CustomerChange> out = decoder.decode(raw(event));
        assertThat(out.isLeft()).as(event).isTrue();
        assertThat(out.left().getReasonCode()).as(out.left().getReason()).isEqualTo(code);
        assertThat(out.left().getSourceTopic()).isEqualTo(TOPIC);
        return out.left();
    }

    private static RawRecord raw(String event) {
        return RawRecord.of(TOPIC, 2, 42, 1796597661427L, "{\"customer_id\":\"probe-1\"}".getBytes(StandardCharsets.UTF_8),
                event.getBytes(StandardCharsets.UTF_8));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = DebeziumCustomerDecoderTest.class.getResourceAsStream("/cdc/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
