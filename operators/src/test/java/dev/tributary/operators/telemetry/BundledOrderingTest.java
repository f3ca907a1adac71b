package dev.tributary.operators.telemetry;

import static dev.tributary.operators.telemetry.Fixtures.reading;
import static dev.tributary.operators.telemetry.Fixtures.side;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SequenceGap;
import dev.tributary.operators.bundle.BundlingKeyedProcessOperator;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The orderer in bundles (as the flow runs it) decides exactly as one reading at a time: same readings released
 * in the same order per device, same late readings, same gaps, same counters; and a savepoint of the 0.1.0
 * operator (a plain KeyedProcessOperator) restores into the bundled one.
 */
@ParameterizedClass
@EnumSource(Fixtures.Backend.class)
class BundledOrderingTest {

    @Parameter
    Fixtures.Backend backend;

    private static final OrderingConfig CONFIG = OrderingConfig.defaults()
            .withMaxHold(Duration.ofMillis(1_000)).withMaxBuffered(8).withStateTtl(Duration.ofSeconds(60));

    /** Per device: released seqs, late seqs, gaps; plus the counters. */
    private record Outcome(Map<String, List<Long>> released, Map<String, List<Long>> late, Map<String, List<String>> gaps,
                           SequenceOrderer.Counts counts) {}

    @Test
    void bundledAndOneByOneDecideTheSame() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            List<List<HoverboardReading>> batches = messyStream(new Random(seed));
            int bundleSize = 2 + new Random(seed).nextInt(40);
            Outcome oneByOne = run(batches, 0);
            assertThat(run(batches, bundleSize)).as("seed %d, bundles of %d", seed, bundleSize).isEqualTo(oneByOne);
            // the stream exercises every path: held and released, duplicates, gaps, buffer-full skips
            assertThat(oneByOne.counts().outOfOrder()).isPositive();
            assertThat(oneByOne.counts().duplicates()).isPositive();
            assertThat(oneByOne.counts().gaps()).isPositive();
        }
    }

    @Test
    void aSavepointOfThePlainOperatorRestoresIntoTheBundledOne() throws Exception {
        SequenceOrderer before = new SequenceOrderer(CONFIG);
        var plain = harness(new KeyedProcessOperator<>(before), null);
        send(plain, "hb-1", 0, 1, 3); // 3 is held behind the missing 2
        OperatorSubtaskState savepoint = plain.snapshot(1, 1);
        plain.close();

        var bundled = harness(new BundlingKeyedProcessOperator<>(new SequenceOrderer(CONFIG), 100, 50), savepoint);
        send(bundled, "hb-1", 2, 1, 4);
        bundled.setProcessingTime(100);

        assertThat(Fixtures.seqs(values(bundled))).containsExactly(2L, 3L, 4L); // 1 is a duplicate
    }

    @Test
    void aHoldThatEndsWithinItsRunArmsNoTimerAndOneThatOutlivesItIsCheckpointed() throws Exception {
        var first = harness(new BundlingKeyedProcessOperator<>(new SequenceOrderer(CONFIG), 100, 50), null);
        send(first, "hb-1", 0, 2, 1); // 2 is held behind 1, which arrives in the same run
        ((BundlingKeyedProcessOperator<?, ?, ?>) first.getOperator()).finishBundle();
        assertThat(first.numProcessingTimeTimers()).isZero();

        send(first, "hb-1", 4); // held behind 3 when the run ends: in the state, with its hold timer
        ((BundlingKeyedProcessOperator<?, ?, ?>) first.getOperator()).finishBundle();
        assertThat(first.numProcessingTimeTimers()).isOne();
        assertThat(Fixtures.seqs(values(first))).containsExactly(0L, 1L, 2L);
        OperatorSubtaskState checkpoint = first.snapshot(1, 1);
        first.close();

        var restored = harness(new BundlingKeyedProcessOperator<>(new SequenceOrderer(CONFIG), 100, 50), checkpoint);
        send(restored, "hb-1", 4, 3); // 4 again is a duplicate of the held one; 3 releases it in a later run
        ((BundlingKeyedProcessOperator<?, ?, ?>) restored.getOperator()).finishBundle();
        assertThat(Fixtures.seqs(values(restored))).containsExactly(3L, 4L);
        assertThat(restored.numProcessingTimeTimers()).as("the held reading's timer, deleted").isZero();

        send(restored, "hb-1", 7, 6); // a gap (5) outliving the run is cut by the timer armed at its end
        ((BundlingKeyedProcessOperator<?, ?, ?>) restored.getOperator()).finishBundle();
        restored.setProcessingTime(CONFIG.maxHold().toMillis() + 1);
        assertThat(Fixtures.seqs(values(restored))).containsExactly(3L, 4L, 6L, 7L);
        assertThat(gaps(side(restored, SequenceOrderer.GAPS))).containsEntry("hb-1", List.of("5-5 HOLD_TIMEOUT"));
        restored.close();
    }

    private Outcome run(List<List<HoverboardReading>> batches, int bundleSize) throws Exception {
        SequenceOrderer orderer = new SequenceOrderer(CONFIG);
        KeyedProcessOperator<String, HoverboardReading, HoverboardReading> operator = bundleSize == 0
                ? new KeyedProcessOperator<>(orderer)
                : new BundlingKeyedProcessOperator<>(orderer, bundleSize, 10_000);
        var h = harness(operator, null);
        long now = 0;
        for (List<HoverboardReading> batch : batches) {
            for (HoverboardReading r : batch) {
                h.processElement(r, r.getSeq());
            }
            if (operator instanceof BundlingKeyedProcessOperator<?, ?, ?> bundling) {
                bundling.finishBundle(); // the batch's arrival time is its processing time in both runs
            }
            now += 300;
            h.setProcessingTime(now);
        }
        h.setProcessingTime(now + 10_000);
        Outcome outcome = new Outcome(byDevice(values(h)), byDevice(side(h, SequenceOrderer.LATE_READINGS)),
                gaps(side(h, SequenceOrderer.GAPS)), orderer.counts());
        h.close();
        return outcome;
    }

    /** 12 devices, 60 readings each: neighbours swapped, 5 % sent twice, 4 % never sent; batches of 1–40. */
    private static List<List<HoverboardReading>> messyStream(Random random) {
        List<HoverboardReading> all = new ArrayList<>();
        for (int seq = 0; seq < 60; seq++) {
            for (int d = 0; d < 12; d++) {
                if (random.nextInt(100) < 4) {
                    continue;
                }
                HoverboardReading r = reading("hb-" + d, seq);
                all.add(r);
                if (random.nextInt(100) < 5) {
                    all.add(random.nextInt(all.size()), r);
                }
            }
        }
        for (int i = 0; i + 13 < all.size(); i++) {
            if (random.nextInt(10) == 0) {
                Collections.swap(all, i, i + 1 + random.nextInt(12));
            }
        }
        List<List<HoverboardReading>> batches = new ArrayList<>();
        for (int i = 0; i < all.size(); ) {
            int n = Math.min(all.size() - i, 1 + random.nextInt(40));
            batches.add(all.subList(i, i + n));
            i += n;
        }
        return batches;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> harness(
            KeyedProcessOperator<String, HoverboardReading, HoverboardReading> operator, OperatorSubtaskState restore)
            throws Exception {
        return Fixtures.open(new KeyedOneInputStreamOperatorTestHarness<>(operator, HoverboardReading::getDeviceId,
                Types.STRING), backend, restore, 0);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> h,
                             String device, long... seqs) throws Exception {
        for (long seq : seqs) {
            h.processElement(reading(device, seq), seq);
        }
    }

    private static List<HoverboardReading> values(
            KeyedOneInputStreamOperatorTestHarness<String, HoverboardReading, HoverboardReading> h) {
        List<HoverboardReading> values = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                values.add((HoverboardReading) r.getValue());
            }
        }
        return values;
    }

    private static Map<String, List<Long>> byDevice(List<HoverboardReading> readings) {
        Map<String, List<Long>> map = new TreeMap<>();
        readings.forEach(r -> map.computeIfAbsent(r.getDeviceId(), k -> new ArrayList<>()).add(r.getSeq()));
        return map;
    }

    private static Map<String, List<String>> gaps(List<SequenceGap> gaps) {
        Map<String, List<String>> map = new TreeMap<>();
        gaps.forEach(g -> map.computeIfAbsent(g.getDeviceId(), k -> new ArrayList<>())
                .add(g.getFromSeq() + "-" + g.getToSeq() + " " + g.getReason()));
        return map;
    }
}
