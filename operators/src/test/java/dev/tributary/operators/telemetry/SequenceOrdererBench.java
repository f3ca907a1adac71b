package dev.tributary.operators.telemetry;

import dev.tributary.events.HoverboardReading;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Rough cost of {@link SequenceOrderer} per reading, in the operator test harness (single thread, no network),
 * on heap and RocksDB state, for in-order input and for input where 10 % of readings swap with their successor.
 * Not a test: run it by hand (see the report) and compare the ratios, not the absolute numbers.
 */
public final class SequenceOrdererBench {

    private static final int DEVICES = 1_000;
    private static final int READINGS_PER_DEVICE = 200;

    public static void main(String[] args) throws Exception {
        List<HoverboardReading> inOrder = input(0.0);
        List<HoverboardReading> swapped = input(0.10);
        for (int round = 0; round < 3; round++) {
            for (Fixtures.Backend backend : Fixtures.Backend.values()) {
                double a = run(backend, inOrder);
                double b = run(backend, swapped);
                System.out.printf(Locale.ROOT, "round %d %-8s in-order %,9.0f readings/s   10%% swapped %,9.0f readings/s   ratio %.2f%n",
                        round, backend, a, b, b / a);
            }
        }
    }

    private static List<HoverboardReading> input(double swapShare) {
        Random random = new Random(7);
        List<HoverboardReading> all = new ArrayList<>(DEVICES * READINGS_PER_DEVICE);
        for (int seq = 0; seq < READINGS_PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                all.add(Fixtures.reading("hb-" + d, seq));
            }
        }
        // swap a reading with the same device's next one (DEVICES positions later)
        for (int i = 0; i + DEVICES < all.size(); i++) {
            if (random.nextDouble() < swapShare / 2) {
                HoverboardReading r = all.get(i);
                all.set(i, all.get(i + DEVICES));
                all.set(i + DEVICES, r);
            }
        }
        return all;
    }

    private static double run(Fixtures.Backend backend, List<HoverboardReading> input) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new SequenceOrderer(OrderingConfig.defaults())),
                HoverboardReading::getDeviceId, Types.STRING);
        harness.setStateBackend(backend.create());
        harness.setProcessingTime(0);
        harness.open();
        try {
            long start = System.nanoTime();
            int n = 0;
            for (HoverboardReading r : input) {
                harness.processElement(r, 0);
                if (++n % 10_000 == 0) {
                    harness.getOutput().clear();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            harness.getOutput().clear();
            return input.size() / seconds;
        } finally {
            harness.close();
        }
    }
}
