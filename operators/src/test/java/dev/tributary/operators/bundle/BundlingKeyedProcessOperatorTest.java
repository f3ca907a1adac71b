package dev.tributary.operators.bundle;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the operator has its function write back a bundle, that records pass in arrival order with their own
 * timestamps, and that the key switch sets the right key for state written at the end of a bundle.
 */
class BundlingKeyedProcessOperatorTest {

    private KeyedOneInputStreamOperatorTestHarness<String, String, String> harness;
    private Counting function;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /**
     * Counts records per key (the key is the value's first letter) in a keyed state: in a bundle the counts are
     * cached and written back at its end, outside one written per record. Emits each record as it comes and, on a
     * timer, "timer@key=count"; logs each written-back bundle as "key=count" per key.
     */
    static final class Counting extends KeyedProcessFunction<String, String, String> implements KeyedBundleFunction<String> {
        final List<String> writtenBack = new ArrayList<>();
        private transient ValueState<Integer> count;
        private transient KeySwitch<String> keys;
        private transient Map<String, Integer> pending;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.INT));
            pending = new LinkedHashMap<>();
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            String key = value.substring(0, 1);
            out.collect(value);
            if (value.contains("timer")) {
                if (keys != null) {
                    keys.use(key);
                }
                ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 10);
            }
            if (keys != null) {
                pending.merge(key, 1, Integer::sum);
            } else {
                count.update(current() + 1);
            }
        }

        private int current() throws Exception {
            Integer c = count.value();
            return c == null ? 0 : c;
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) throws Exception {
            out.collect("timer@" + ctx.getCurrentKey() + "=" + current());
        }

        @Override
        public void startBundle(KeySwitch<String> keys) {
            this.keys = keys;
        }

        @Override
        public void finishBundle() throws Exception {
            List<String> bundle = new ArrayList<>();
            for (Map.Entry<String, Integer> e : pending.entrySet()) {
                keys.use(e.getKey());
                count.update(current() + e.getValue());
                bundle.add(e.getKey() + "=" + current());
            }
            writtenBack.add(String.join(" ", bundle));
            pending.clear();
            keys = null;
        }
    }

    private void open(int maxRecords, long maxDelayMillis) throws Exception {
        open(new BundlingKeyedProcessOperator<>(new Counting(), maxRecords, maxDelayMillis), null);
    }

    private void open(KeyedProcessOperator<String, String, String> operator, OperatorSubtaskState restored)
            throws Exception {
        function = (Counting) operator.getUserFunction();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, value -> value.substring(0, 1), Types.STRING);
        harness.setProcessingTime(0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    private List<String> output() {
        List<String> values = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            values.add(o instanceof StreamRecord<?> r ? String.valueOf(r.getValue()) : String.valueOf(o));
        }
        harness.getOutput().clear();
        return values;
    }

    @Test
    void recordsPassAsTheyArriveAndAFullBundleWritesBackEachKeyOnce() throws Exception {
        open(5, 1_000);
        for (String v : List.of("a1", "b1", "a2", "c1")) {
            harness.processElement(v, 1);
        }
        assertThat(output()).as("records are not held back").containsExactly("a1", "b1", "a2", "c1");
        assertThat(function.writtenBack).as("nothing written before the bundle is full").isEmpty();

        harness.processElement("b2", 1);
        harness.processElement("a3", 1);

        assertThat(function.writtenBack).containsExactly("a=2 b=2 c=1");
        harness.getOperator().finish();
        assertThat(function.writtenBack).containsExactly("a=2 b=2 c=1", "a=3");
    }

    @Test
    void eachRecordKeepsItsOwnTimestampOrItsLackOfOne() throws Exception {
        open(4, 1_000);
        harness.processElement(new StreamRecord<>("a1", 7));
        harness.processElement(new StreamRecord<>("b1")); // no timestamp
        harness.processElement(new StreamRecord<>("a2", 3));
        harness.processElement(new StreamRecord<>("b2", 9));

        List<String> stamped = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            StreamRecord<?> r = (StreamRecord<?>) o;
            stamped.add(r.getValue() + (r.hasTimestamp() ? " t=" + r.getTimestamp() : " no timestamp"));
        }
        assertThat(stamped).containsExactly("a1 t=7", "b1 no timestamp", "a2 t=3", "b2 t=9");
    }

    @Test
    void aBundleWaitsAtMostItsDelay() throws Exception {
        open(1_000, 50);
        harness.processElement("a1", 1);
        harness.setProcessingTime(49);
        assertThat(function.writtenBack).isEmpty();

        harness.setProcessingTime(50);

        assertThat(function.writtenBack).containsExactly("a=1");
        harness.processElement("a2", 1);
        harness.setProcessingTime(100);
        assertThat(function.writtenBack).containsExactly("a=1", "a=2");
    }

    @Test
    void aCheckpointHoldsWhatTheBundleCachedAndRestoresIntoThePlainOperator() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 1);
        harness.processElement("b1", 1);
        harness.processElement("a2", 1);

        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);
        assertThat(function.writtenBack).containsExactly("a=2 b=1");
        harness.close();

        open(new KeyedProcessOperator<>(new Counting()), checkpoint);
        harness.processElement("a-timer", 1);
        harness.setProcessingTime(10);
        assertThat(output()).containsExactly("a-timer", "timer@a=3");
    }

    @Test
    void aWatermarkComesAfterTheBundleIsWrittenBack() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 5);

        harness.processWatermark(new Watermark(10));

        assertThat(function.writtenBack).containsExactly("a=1");
        assertThat(output()).containsExactly("a1", "Watermark @ 10");
    }

    @Test
    void aTimerSeesTheStateOfTheRecordsBeforeItUnderItsOwnKey() throws Exception {
        open(1_000, 1_000);
        harness.processElement("t-timer", 1); // a timer of key t for 10
        harness.setProcessingTime(5);
        harness.processElement("t2", 1);
        harness.processElement("u1", 1); // the key last set is no longer t

        harness.setProcessingTime(10);

        assertThat(output()).containsExactly("t-timer", "t2", "u1", "timer@t=2");
        assertThat(function.writtenBack).containsExactly("t=2 u=1");
    }

    @Test
    void theEndOfInputWritesBackTheRest() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 1);

        harness.getOperator().finish(); // what the task calls when its input has ended

        assertThat(function.writtenBack).containsExactly("a=1");
    }

    @Test
    void bundlesOfOneAreWrittenBackAtOnce() throws Exception {
        open(1, 1_000);
        harness.processElement("a1", 1);
        harness.processElement("a2", 1);
        assertThat(function.writtenBack).containsExactly("a=1", "a=2");
    }
}
