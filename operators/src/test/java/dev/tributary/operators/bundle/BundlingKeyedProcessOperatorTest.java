package dev.tributary.operators.bundle;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a bundle is processed, in which order, and that each key's records form one run. */
class BundlingKeyedProcessOperatorTest {

    private KeyedOneInputStreamOperatorTestHarness<String, String, String> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** Emits "record@key#run" and, on a timer, "timer@key"; counts runs through KeyRunListener. */
    static final class Tagging extends KeyedProcessFunction<String, String, String> implements KeyRunListener {
        int runs;
        int inRun = -1;

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) {
            out.collect(value + "@" + ctx.getCurrentKey() + "#" + inRun);
            if (value.startsWith("timer")) {
                ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 10);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out) {
            out.collect("timer@" + ctx.getCurrentKey() + "#" + inRun);
        }

        @Override
        public void keyRunStarted() {
            inRun = ++runs;
        }

        @Override
        public void keyRunEnded() {
            inRun = -1;
        }
    }

    private void open(int maxRecords, long maxDelayMillis) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new BundlingKeyedProcessOperator<>(new Tagging(), maxRecords, maxDelayMillis),
                value -> value.substring(0, 1), Types.STRING);
        harness.setProcessingTime(0);
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
    void aFullBundleIsProcessedKeyByKeyInArrivalOrderWithinEachKey() throws Exception {
        open(5, 1_000);
        for (String v : List.of("a1", "b1", "a2", "c1")) {
            harness.processElement(v, 1);
        }
        assertThat(output()).as("nothing before the bundle is full").isEmpty();

        harness.processElement("b2", 1);

        assertThat(output()).containsExactly("a1@a#1", "a2@a#1", "b1@b#2", "b2@b#2", "c1@c#3");
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
        assertThat(stamped).containsExactly(
                "a1@a#1 t=7", "a2@a#1 t=3", "b1@b#2 no timestamp", "b2@b#2 t=9");
    }

    @Test
    void aBundleWaitsAtMostItsDelay() throws Exception {
        open(1_000, 50);
        harness.processElement("a1", 1);
        harness.setProcessingTime(49);
        assertThat(output()).isEmpty();

        harness.setProcessingTime(50);

        assertThat(output()).containsExactly("a1@a#1");
        harness.processElement("a2", 1);
        harness.setProcessingTime(100);
        assertThat(output()).containsExactly("a2@a#2");
    }

    @Test
    void aCheckpointBarrierNeverOvertakesBufferedRecords() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 1);
        harness.processElement("b1", 1);

        harness.prepareSnapshotPreBarrier(1);
        harness.snapshot(1, 1);

        assertThat(output()).containsExactly("a1@a#1", "b1@b#2");
    }

    @Test
    void aWatermarkComesAfterTheRecordsThatArrivedBeforeIt() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 5);

        harness.processWatermark(new Watermark(10));

        assertThat(output()).containsExactly("a1@a#1", "Watermark @ 10");
    }

    @Test
    void aTimerFiresOnlyAfterTheRecordsThatArrivedBeforeIt() throws Exception {
        open(1_000, 1_000);
        harness.processElement("timer-a", 1);
        harness.setProcessingTime(1_000); // the bundle's delay: the record runs, registering a timer for 1 010
        harness.processElement("a2", 1);

        harness.setProcessingTime(1_010);

        assertThat(output()).containsExactly("timer-a@t#1", "a2@a#2", "timer@t#-1");
    }

    @Test
    void theEndOfInputProcessesTheRest() throws Exception {
        open(1_000, 1_000);
        harness.processElement("a1", 1);

        harness.getOperator().finish(); // what the task calls when its input has ended

        assertThat(output()).containsExactly("a1@a#1");
    }

    @Test
    void bundlesOfOneAreProcessedAtOnce() throws Exception {
        open(1, 1_000);
        harness.processElement("a1", 1);
        assertThat(output()).containsExactly("a1@a#1");
    }
}
