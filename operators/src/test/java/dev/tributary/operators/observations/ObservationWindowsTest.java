package dev.tributary.operators.observations;

import static dev.tributary.operators.observations.ObservationFixtures.MINUTE;
import static dev.tributary.operators.observations.ObservationFixtures.observation;
import static dev.tributary.operators.observations.ObservationFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The window operator exactly as the flow builds it ({@link ObservationWindows#count}), in a keyed test harness. */
class ObservationWindowsTest {

    private static final Duration WINDOW = Duration.ofMinutes(2);

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, DimensionValue, ObservationCount> harness(
            OperatorSubtaskState restoreFrom) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataStream<DimensionValue> in = env.fromSequence(0, 0)
                .map(n -> new DimensionValue()).returns(TypeInformation.of(DimensionValue.class));
        var counts = ObservationWindows.count(in.keyBy(DimensionValue::key), WINDOW);
        var transformation = (OneInputTransformation<DimensionValue, ObservationCount>) counts.getTransformation();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(transformation.getOperatorFactory(),
                DimensionValue::key, Types.STRING, TypeInformation.of(DimensionValue.class).createSerializer(
                        env.getConfig().getSerializerConfig()));
        ObservationFixtures.forbidGenericTypes(h);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, DimensionValue, ObservationCount> h,
            Observation o) throws Exception {
        List<DimensionValue> values = new ArrayList<>();
        new ObservationDimensions().flatMap(o, Collector.class.cast(new org.apache.flink.api.common.functions.util.ListCollector<>(values)));
        for (DimensionValue v : values) {
            h.processElement(v, o.getEventTime().toEpochMilli());
        }
    }

    private static List<String> counts(KeyedOneInputStreamOperatorTestHarness<String, DimensionValue, ObservationCount> h) {
        return records(h).stream()
                .map(c -> c.getWindowId() + " " + c.getDimension() + "=" + c.getValue() + " " + c.getCount())
                .sorted().toList();
    }

    @Test
    void countsEachWindowByKingdomSpeciesAndSourceOnceTheWatermarkPassesIt() throws Exception {
        try (var h = harness(null)) {
            feed(h, observation("1", "gbif", "Animalia", "Puma concolor", 10_000));
            feed(h, observation("2", "obis", "Animalia", "Delphinus delphis", MINUTE));
            feed(h, observation("3", "gbif", "Plantae", "Quercus robur", 2 * MINUTE - 1));
            feed(h, observation("4", "gbif", "Plantae", "Quercus robur", 2 * MINUTE));   // next window
            h.processWatermark(2 * MINUTE - 2);
            assertThat(records(h)).as("nothing before the window's last millisecond").isEmpty();

            h.processWatermark(2 * MINUTE - 1);

            String w0 = "1970-01-01T00:00:00Z/PT2M";
            assertThat(counts(h)).containsExactly(
                    w0 + " kingdom=Animalia 2", w0 + " kingdom=Plantae 1",
                    w0 + " source=gbif 2", w0 + " source=obis 1",
                    w0 + " species=Delphinus delphis 1", w0 + " species=Puma concolor 1", w0 + " species=Quercus robur 1");
            assertThat(records(h)).allSatisfy(c -> {
                assertThat(c.getWindowStart().toEpochMilli()).isZero();
                assertThat(c.getWindowEnd().toEpochMilli()).isEqualTo(2 * MINUTE);
            });
        }
    }

    @Test
    void aWindowFiresOnceAndWhatArrivesAfterwardsGoesToTheLateOutput() throws Exception {
        try (var h = harness(null)) {
            feed(h, observation("1", 10_000));
            h.processWatermark(2 * MINUTE - 1);
            feed(h, observation("2", 20_000));
            h.processWatermark(10 * MINUTE);

            assertThat(records(h)).hasSize(3).allSatisfy(c -> assertThat(c.getCount()).isEqualTo(1));
            assertThat(h.getSideOutput(ObservationWindows.LATE_AT_WINDOW)).extracting(StreamRecord::getValue)
                    .extracting(v -> v.dimension + "=" + v.value + "@" + v.observation.getOccurrenceId())
                    .containsExactly("kingdom=Animalia@2", "species=Puma concolor@2", "source=gbif@2");
        }
    }

    @Test
    void openWindowsSurviveARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            feed(h, observation("1", 10_000));
            snapshot = h.snapshot(1, 1);
        }
        try (var restored = harness(snapshot)) {
            feed(restored, observation("2", 20_000));
            restored.processWatermark(2 * MINUTE);

            assertThat(records(restored)).hasSize(3).allSatisfy(c -> assertThat(c.getCount()).isEqualTo(2));
        }
    }
}
