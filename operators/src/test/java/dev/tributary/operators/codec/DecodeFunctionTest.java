package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.Samples;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeFunctionTest {

    private static final String TOPIC = "telemetry.hoverboard";

    private static DecodeFunction<HoverboardReading> function() {
        return new DecodeFunction<>(HoverboardReading.class, "telemetry", "telemetry-decode-hoverboard")
                .withValidator(Samples.validators().forType(HoverboardReading.class));
    }

    @Test
    void validJsonAndAvroGoToTheMainOutputAndRejectsToTheSideOutputWithTheirOffsets() throws Exception {
        HoverboardReading avroReading = Samples.hoverboardReading("hb-7", 9);
        byte[] key = "hb-7".getBytes(StandardCharsets.UTF_8);
        try (OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(function())) {
            harness.processElement(Samples.raw(TOPIC, 100, Samples.json(HoverboardReading.class)), 1L);
            harness.processElement(RawRecord.of(TOPIC, 3, 101, 1234L, key, Samples.avro(avroReading)), 2L);
            harness.processElement(RawRecord.of(TOPIC, 3, 102, 5678L, key, "{\"deviceId\":".getBytes(StandardCharsets.UTF_8)), 3L);
            harness.processElement(RawRecord.of(TOPIC, 3, 103, 5679L, null, null), 4L);

            assertThat(harness.extractOutputValues())
                    .containsExactly(Samples.record(HoverboardReading.class), avroReading);
            List<DeadLetter> letters = harness.getSideOutput(DecodeFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(letters).extracting(DeadLetter::getReasonCode)
                    .containsExactly(RejectReason.MALFORMED_JSON, RejectReason.EMPTY_PAYLOAD);
            DeadLetter malformed = letters.get(0);
            assertThat(malformed.getFlow()).isEqualTo("telemetry");
            assertThat(malformed.getOperator()).isEqualTo("telemetry-decode-hoverboard");
            assertThat(malformed.getSourceTopic()).isEqualTo(TOPIC);
            assertThat(malformed.getSourcePartition()).isEqualTo(3);
            assertThat(malformed.getSourceOffset()).isEqualTo(102L);
            assertThat(malformed.getSourceTimestamp()).isEqualTo(Instant.ofEpochMilli(5678L));
            assertThat(malformed.getKey()).isEqualTo(ByteBuffer.wrap(key));
            assertThat(StandardCharsets.UTF_8.decode(malformed.getPayload()).toString()).isEqualTo("{\"deviceId\":");
            assertThat(letters.get(1).getPayloadSize()).isZero();
        }
    }

    @Test
    void semanticViolationsAreInvalidValueDeadLettersAndAClockAheadHasItsOwnCode() throws Exception {
        HoverboardReading negativeSeq = HoverboardReading.newBuilder(Samples.hoverboardReading("hb-1", 1)).setSeq(-4).build();
        HoverboardReading farFuture = HoverboardReading.newBuilder(Samples.hoverboardReading("hb-1", 2))
                .setEventTime(Samples.SAMPLE_TIME.plus(Duration.ofDays(30))).build();
        try (OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(function())) {
            harness.processElement(Samples.raw(TOPIC, 1, Samples.avro(negativeSeq)), 1L);
            harness.processElement(Samples.raw(TOPIC, 2, Samples.avro(farFuture)), 2L);
            assertThat(harness.extractOutputValues()).isEmpty();
            List<DeadLetter> letters = harness.getSideOutput(DecodeFunction.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
            assertThat(letters).extracting(DeadLetter::getReasonCode)
                    .containsExactly(RejectReason.INVALID_VALUE, RejectReason.EVENT_TIME_AHEAD);
            assertThat(letters.get(0).getReason()).contains("seq").contains("-4");
            assertThat(letters.get(1).getReason()).contains("eventTime").contains("ahead of the job's clock");
        }
    }

    @Test
    void countsRecordsBytesFormatsAndRejectsPerReason() throws Exception {
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        try (MockEnvironment env = new MockEnvironmentBuilder().setMetricGroup(metrics).build();
             OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(function()), env)) {
            harness.open();
            byte[] json = Samples.json(HoverboardReading.class);
            byte[] avro = Samples.avro(Samples.hoverboardReading("hb-2", 1));
            harness.processElement(Samples.raw(TOPIC, 1, json), 1L);
            harness.processElement(Samples.raw(TOPIC, 2, avro), 1L);
            harness.processElement(Samples.raw(TOPIC, 3, avro), 1L);
            harness.processElement(Samples.raw(TOPIC, 4, "nope".getBytes(StandardCharsets.UTF_8)), 1L);
            harness.processElement(Samples.raw(TOPIC, 5, "{".getBytes(StandardCharsets.UTF_8)), 1L);
            harness.processElement(Samples.raw(TOPIC, 6, "{]".getBytes(StandardCharsets.UTF_8)), 1L);

            InterceptingOperatorMetricGroup group = metrics.operatorGroup;
            assertThat(count(group, DecodeMetrics.RECORDS_IN)).isEqualTo(6);
            assertThat(count(group, DecodeMetrics.BYTES_IN)).isEqualTo(json.length + 2L * avro.length + 4 + 1 + 2);
            assertThat(count(group, DecodeMetrics.DECODED_JSON)).isEqualTo(1);
            assertThat(count(group, DecodeMetrics.DECODED_AVRO)).isEqualTo(2);
            assertThat(count(group, DecodeMetrics.REJECTED)).isEqualTo(3);
            assertThat(count(group, "rejected_" + RejectReason.MALFORMED_JSON)).isEqualTo(2);
            assertThat(count(group, "rejected_" + RejectReason.UNRECOGNIZED_FORMAT)).isEqualTo(1);
            assertThat(group.get("rejected_" + RejectReason.OVERSIZED)).as("created only when it happens").isNull();
        }
    }

    @Test
    void writerSchemasCanBeAddedForProducersAheadOfTheJob() throws Exception {
        org.apache.avro.Schema newer = new org.apache.avro.Schema.Parser().parse(
                DecodeFunctionTest.class.getResourceAsStream("/avro-future/HoverboardReading-v3.avsc"));
        byte[] ahead = EvolutionTest.encodeWith(newer, EvolutionTest.newerReading(newer));
        try (OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> plain =
                     ProcessFunctionTestHarnesses.forProcessFunction(function());
             OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> extended =
                     ProcessFunctionTestHarnesses.forProcessFunction(function().withWriterSchemas(List.of(newer)))) {
            plain.processElement(Samples.raw(TOPIC, 1, ahead), 1L);
            extended.processElement(Samples.raw(TOPIC, 1, ahead), 1L);
            assertThat(plain.getSideOutput(DecodeFunction.DEAD_LETTERS)).extracting(r -> r.getValue().getReasonCode())
                    .containsExactly(RejectReason.UNKNOWN_SCHEMA);
            assertThat(extended.extractOutputValues()).extracting(HoverboardReading::getDeviceId).containsExactly("hb-future");
        }
    }

    @Test
    void functionSurvivesJavaSerializationLikeInAJobGraph() throws Exception {
        DecodeFunction<HoverboardReading> copy = InstantiationUtil.clone(function(), getClass().getClassLoader());
        try (OneInputStreamOperatorTestHarness<RawRecord, HoverboardReading> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(copy)) {
            harness.processElement(Samples.raw(TOPIC, 1, Samples.json(HoverboardReading.class)), 1L);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
        DecodeFunction<HoverboardReading> defaults = InstantiationUtil.clone(
                new DecodeFunction<>(HoverboardReading.class, "telemetry", "uid"), getClass().getClassLoader());
        assertThat(defaults.getProducedType()).isInstanceOf(AvroTypeInfo.class);
    }

    @Test
    void rawRecordIsAFlinkPojoNotAGenericType() {
        TypeInformation<RawRecord> info = TypeInformation.of(RawRecord.class);
        assertThat(info).isInstanceOf(PojoTypeInfo.class).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(((PojoTypeInfo<RawRecord>) info).getArity()).isEqualTo(6);
    }

    @Test
    void rawRecordRoundTripsThroughItsFlinkSerializer() throws Exception {
        RawRecord raw = RawRecord.of(TOPIC, 2, 77, 99L, new byte[] {1, 2}, new byte[] {3});
        assertThat(roundTrip(TypeInformation.of(RawRecord.class), raw)).isEqualTo(raw);
    }

    @Test
    void eventsAndDeadLettersUseAvroSerializersThatKeepLogicalTypes() throws Exception {
        HoverboardReading reading = Samples.hoverboardReading("hb-9", 4);
        assertThat(DecodeFunction.DEAD_LETTERS.getTypeInfo()).isInstanceOf(AvroTypeInfo.class);
        assertThat(roundTrip(AvroTypes.of(HoverboardReading.class), reading)).isEqualTo(reading);
        DeadLetter letter = DeadLetters.of("f", "o", RejectReason.WRONG_TYPE, "r",
                DeadLetters.Source.kafka(TOPIC, 1, 2, 3, new byte[] {9}), new byte[] {1, 2, 3});
        assertThat(roundTrip(DecodeFunction.DEAD_LETTERS.getTypeInfo(), letter)).isEqualTo(letter);
    }

    private static <X> X roundTrip(TypeInformation<X> info, X value) throws Exception {
        TypeSerializer<X> serializer = info.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static long count(InterceptingOperatorMetricGroup group, String name) {
        Counter counter = (Counter) group.get(name);
        assertThat(counter).as("counter " + name).isNotNull();
        return counter.getCount();
    }

    /** Hands the operator a metric group that remembers what was registered on it. */
    private static final class CapturingTaskMetricGroup extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
        final InterceptingOperatorMetricGroup operatorGroup = new InterceptingOperatorMetricGroup();

        @Override
        public InternalOperatorMetricGroup getOrAddOperator(OperatorID operatorID, String name, Map<String, String> additionalVariables) {
            return operatorGroup;
        }
    }
}
