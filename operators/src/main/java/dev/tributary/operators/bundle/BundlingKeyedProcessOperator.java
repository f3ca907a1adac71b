package dev.tributary.operators.bundle;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * A {@link KeyedProcessOperator} whose function caches per-key state for a bundle of records and writes it back
 * once per key ({@link KeyedBundleFunction}).
 *
 * <p>Records go to the function as they arrive, without their key being set: the function sets it, through the
 * {@link KeyedBundleFunction.KeySwitch} it is given, only where it must touch the state backend. A bundle is
 * finished (the function writes back) when it holds {@code maxRecords}, when {@code maxDelayMillis} have passed
 * since its first record, and always before anything that must see the state written: a checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}), a watermark, a timer of the function, and the end of input.
 *
 * <p>Nothing about the records changes: each is processed once, in arrival order, with its own timestamp. What a
 * bundle defers is only the function's writes of state and timers, so a timer deadline computed in a bundle is
 * registered up to {@code maxDelayMillis} later, and nothing unwritten is ever behind a checkpoint barrier. The
 * function's state, timers and uid stay those of a {@link KeyedProcessOperator}, so a savepoint taken with either
 * restores into the other.
 *
 * <p>Metrics: {@code bundlesProcessed}, {@code bundledRecords} (records whose state writes are pending).
 */
public class BundlingKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {

    private static final long serialVersionUID = 1L;

    private final int maxRecords;
    private final long maxDelayMillis;

    private transient KeyedBundleFunction<K> bundleFunction;
    private transient KeyedBundleFunction.KeySwitch<K> keySwitch;
    private transient int bundled;
    private transient boolean flushScheduled;
    private transient Counter bundlesProcessed;

    public <F extends KeyedProcessFunction<K, IN, OUT> & KeyedBundleFunction<K>> BundlingKeyedProcessOperator(
            F function, int maxRecords, long maxDelayMillis) {
        super(function);
        if (maxRecords < 1 || maxDelayMillis < 0) {
            throw new IllegalArgumentException("a bundle holds at least 1 record and waits at least 0 ms, not "
                    + maxRecords + " records / " + maxDelayMillis + " ms");
        }
        this.maxRecords = maxRecords;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        bundleFunction = (KeyedBundleFunction<K>) userFunction;
        keySwitch = this::useKey;
        bundled = 0;
        flushScheduled = false;
        bundlesProcessed = getMetricGroup().counter("bundlesProcessed");
        getMetricGroup().gauge("bundledRecords", (Gauge<Integer>) () -> bundled);
    }

    /**
     * Does not set the key for each arriving record: the function sets it where it touches the state backend, at
     * most once per key and bundle in the usual case. With RocksDB setting the key serializes it, ~8 % of the
     * ordering job's CPU when done per record.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public void setKeyContextElement1(StreamRecord record) {
        // intentionally empty: the function switches keys through its KeySwitch (see KeyedBundleFunction)
    }

    private void useKey(K key) {
        if (!key.equals(getCurrentKey())) {
            setCurrentKey(key);
        }
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        if (bundled == 0) {
            bundleFunction.startBundle(keySwitch);
        }
        bundled++;
        super.processElement(element);
        if (bundled >= maxRecords) {
            finishBundle();
        } else if (!flushScheduled) {
            flushScheduled = true;
            long due = getProcessingTimeService().getCurrentProcessingTime() + maxDelayMillis;
            getProcessingTimeService().registerTimer(due, time -> {
                flushScheduled = false;
                finishBundle();
            });
        }
    }

    /** Has the function write back the current bundle, and restores the key context it found. */
    @SuppressWarnings("unchecked")
    public void finishBundle() throws Exception {
        if (bundled == 0) {
            return;
        }
        K keyBefore = (K) getCurrentKey();
        bundleFunction.finishBundle();
        bundled = 0;
        bundlesProcessed.inc();
        if (keyBefore != null) {
            setCurrentKey(keyBefore);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        finishBundle(); // a timer decides on the state the records before it left
        super.onProcessingTime(timer);
    }

    @Override
    public void onEventTime(InternalTimer<K, VoidNamespace> timer) throws Exception {
        finishBundle();
        super.onEventTime(timer);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        finishBundle(); // the watermark may fire event-time timers, which must see the state written
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark(WatermarkEvent watermark) throws Exception {
        finishBundle();
        super.processWatermark(watermark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        finishBundle(); // nothing cached may be behind a barrier: it would be in no checkpoint
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        finishBundle();
        super.finish();
    }
}
