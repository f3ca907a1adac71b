package dev.tributary.operators.telemetry;

import dev.tributary.events.HeldReading;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.SeqRange;
import dev.tributary.events.SequenceCursor;
import dev.tributary.events.SequenceGap;

import dev.tributary.operators.bundle.BundlingKeyedProcessOperator;
import dev.tributary.operators.bundle.KeyedBundleFunction;
import dev.tributary.operators.codec.FastAvroReads;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Releases each device's readings in {@code seq} order, keyed by {@code deviceId}.
 *
 * <p><b>Reordering.</b> A reading ahead of the next expected seq is held (keyed {@code MapState} by seq) until the
 * missing ones arrive. A wait is bounded twice: by time ({@link OrderingConfig#maxHold()}, counted from the
 * arrival of the first reading held behind the gap) and by count ({@link OrderingConfig#maxBuffered()} held
 * readings per device). When a bound is hit the gap is skipped: a {@link SequenceGap} naming the inclusive missing
 * range goes to {@link #GAPS} and the held readings are released in order.
 *
 * <p><b>Processing-time timers</b> bound the wait. The bound is a promise about latency ("wait at most N seconds
 * for the missing one"); an event-time timer would only fire when the watermark passes it, and the watermark is
 * held back by the slowest partition or an idle source, so a device's held readings could wait without limit. The
 * price is that where a gap is cut depends on wall-clock timing, so a replay from Kafka can cut a gap differently;
 * the readings released and their order are the same whenever nothing was skipped.
 *
 * <p><b>The first reading of a device</b> (or the first after its state expired) starts the sequence at once if
 * its seq is at or below {@link OrderingConfig#firstSeq()} (devices count from 0 or 1). Any other first reading is
 * held like an out-of-order one, so lower readings arriving within {@code maxHold} still come out first; when the
 * wait ends the sequence starts at the lowest held seq. No gap is reported before the start: what preceded the
 * first reading Tributary saw (an earlier run of the device, readings before a state expiry) is unknown.
 *
 * <p><b>Duplicates and late readings.</b> A reading whose seq is held already, or was already released, is a
 * duplicate: dropped and counted. A reading whose seq was skipped in a gap arrives too late to be released in
 * order; it is not dropped but sent to {@link #LATE_READINGS}, so the flow can store it (the warehouse MERGE is
 * idempotent and order-free) or dead-letter it. To tell the two apart the cursor remembers the last
 * {@link OrderingConfig#maxTrackedGaps()} skipped ranges; below the oldest remembered range, and below the start
 * of the sequence, a reading cannot be proven to be a duplicate, so it also goes to {@link #LATE_READINGS}.
 *
 * <p><b>Epochs: reboots and jumps.</b> Real devices restart their numbering when they reboot. A reading behind
 * the cursor that is later (event time) than every released reading, and whose seq is not one skipped in a
 * tracked gap, cannot be a copy of a released one: the device restarted. It ends the device's <i>epoch</i> (held
 * readings earlier than it are released, their missing seqs reported as a gap with reason
 * {@link #REASON_DEVICE_RESTART}) and begins the next one as a new device begins. Readings no later than the last
 * one released before the new epoch belong to a past epoch and go to {@link #LATE_READINGS}. A reading more than
 * {@link OrderingConfig#maxSeqJump()} ahead of the cursor is not held (holding it would, after {@code maxHold},
 * skip everything before it and make every genuine reading late: one absurd seq would capture the device); it goes
 * to {@link #LATE_READINGS} and is remembered, and only a later reading that continues from it confirms the jump
 * and starts a new epoch there ({@link #REASON_SEQ_JUMP}). Every input reading is therefore accounted for:
 * {@code readingsIn = readingsInOrder + readingsOutOfOrder + duplicatesDropped + lateReadings}, and every
 * out-of-order (held) reading is released later; {@code epochsStarted} and {@code seqJumpsHeldBack} count the
 * two cases. Decoding bounds seq to {@code [0, 2^53 - 1]}, so no arithmetic here overflows.
 *
 * <p><b>State and TTL.</b> The per-device cursor ({@link SequenceCursor}: next seq, held count, timer, skipped
 * ranges) expires {@link OrderingConfig#stateTtl()} after it was last written, so idle devices cost nothing. A
 * device whose cursor expired starts a new sequence (see above): readings from before the expiry are no longer
 * recognised as duplicates and may be released again. The held readings have no TTL on purpose: they are removed
 * by the hold timer within {@code maxHold}, and a TTL could drop them silently after a downtime longer than the
 * TTL (restored processing-time timers fire right after the restore and release them instead).
 *
 * <p><b>Buffered-readings gauge.</b> A gauge cannot sum state across keys, so this subtask counts held readings in
 * a plain field. After a restore it counts only readings this instance held; readings inherited from the
 * checkpoint are released within {@code maxHold} without being subtracted.
 *
 * <p><b>Bundles.</b> Run by a {@link BundlingKeyedProcessOperator} (as the flow does), a device's cursor is read
 * at its first reading in a bundle, kept in a cache of the bundle's devices, and written once when the bundle
 * finishes ({@link KeyedBundleFunction}), instead of once per reading; under a plain {@code KeyedProcessOperator}
 * it is read and written per reading. Likewise a reading held and released within one bundle never reaches the
 * held-readings state ({@link HeldReadings}), and the hold timer is registered or deleted once when the bundle
 * finishes, for what is still held then: most holds (a neighbour swapped in transit) end within the bundle and
 * cost the state backend nothing. Readings are still processed one by one in arrival order; within a bundle the
 * operator does not set their key, so the device is taken from the reading, and the key is set only where the
 * state backend is read or written.
 *
 * <p>Readings released by a timer carry no record timestamp (Flink erases it for processing-time timers);
 * downstream event-time logic must take time from {@link HoverboardReading#getEventTime()}.
 */
public class SequenceOrderer extends KeyedProcessFunction<String, HoverboardReading, HoverboardReading>
        implements KeyedBundleFunction<String> {

    private static final long serialVersionUID = 1L;

    /** Skipped ranges of seqs (readings that never arrived within the bound). */
    public static final OutputTag<SequenceGap> GAPS =
            new OutputTag<>("telemetry-sequence-gaps", TelemetryTypes.SEQUENCE_GAP);

    /** Readings that arrived after their seq was skipped, or that cannot be proven duplicates; never in order. */
    public static final OutputTag<HoverboardReading> LATE_READINGS =
            new OutputTag<>("telemetry-late-readings", TelemetryTypes.READING);

    public static final String REASON_HOLD_TIMEOUT = "HOLD_TIMEOUT";
    public static final String REASON_BUFFER_FULL = "BUFFER_FULL";
    /** The device restarted its numbering while readings of its old sequence were still missing. */
    public static final String REASON_DEVICE_RESTART = "DEVICE_RESTART";
    /** The device's seq jumped ahead (confirmed) while readings before the jump were still missing. */
    public static final String REASON_SEQ_JUMP = "SEQ_JUMP";

    static final TypeInformation<SequenceCursor> CURSOR_TYPE = new AvroTypeInfo<>(SequenceCursor.class);
    static final TypeInformation<HeldReading> HELD_TYPE = new AvroTypeInfo<>(HeldReading.class);

    private static final Comparator<HeldReading> BY_SEQ = Comparator.comparingLong(h -> h.getReading().getSeq());

    private final OrderingConfig config;

    private transient ValueState<SequenceCursor> cursorState;
    private transient MapState<Long, HeldReading> heldState;
    /** The held readings of the reading being processed: {@link #direct} outside bundles, its device's buffer in one. */
    private transient HeldReadings held;
    private transient HeldReadings direct;

    private transient Counter readingsIn;
    private transient Counter readingsInOrder;
    private transient Counter readingsOutOfOrder;
    private transient Counter readingsReleased;
    private transient Counter duplicatesDropped;
    private transient Counter gaps;
    private transient Counter gapMissingReadings;
    private transient Counter lateReadings;
    private transient Counter epochsStarted;
    private transient Counter seqJumpsHeldBack;
    private transient long bufferedNow;
    // Processing time of this instance's first callback: held readings older than that were inherited from a
    // checkpoint and were never added to bufferedNow.
    private transient long countingSince;
    // Within a bundle (KeyedBundleFunction): the key switch, and each device's cursor and held readings, written
    // back when the bundle finishes. Timers are registered and deleted then too, for the deadline the cursor names
    // at that point: a hold that ends within the bundle costs no timer.
    private transient KeyedBundleFunction.KeySwitch<String> keys;
    private transient Map<String, DeviceRun> runs;
    private transient TimerService timers;

    public SequenceOrderer(OrderingConfig config) {
        this.config = config;
    }

    static ValueStateDescriptor<SequenceCursor> cursorDescriptor(OrderingConfig config) {
        ValueStateDescriptor<SequenceCursor> descriptor = new ValueStateDescriptor<>("sequence-cursor", CURSOR_TYPE);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(config.stateTtl())
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // Heap backend: every access of the cursor (a read and a write per reading) also visits this many
                // other entries to drop expired ones. Flink's default of 5 was ~3 % of the ordering job's CPU;
                // one still sweeps the whole map every (devices / 2) readings, which bounds the memory of idle
                // devices just as well. RocksDB keeps its compaction filter (background cleanup stays on).
                .cleanupIncrementally(1, false)
                .build());
        return descriptor;
    }

    static MapStateDescriptor<Long, HeldReading> heldDescriptor() {
        return new MapStateDescriptor<>("sequence-held", Types.LONG, HELD_TYPE);
    }

    /** The descriptors of this function's state (for the no-Kryo check). */
    List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(cursorDescriptor(config), heldDescriptor());
    }

    @Override
    public void open(OpenContext openContext) {
        // the input arrives over a keyBy shuffle and the cursor is read on every reading: see FastAvroReads
        FastAvroReads.enable(HoverboardReading.class, HeldReading.class, SequenceCursor.class);
        cursorState = getRuntimeContext().getState(cursorDescriptor(config));
        heldState = getRuntimeContext().getMapState(heldDescriptor());
        direct = HeldReadings.direct(heldState);
        held = direct;
        runs = new HashMap<>();

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        readingsIn = metrics.counter("readingsIn");
        readingsInOrder = metrics.counter("readingsInOrder");
        readingsOutOfOrder = metrics.counter("readingsOutOfOrder");
        readingsReleased = metrics.counter("readingsReleased");
        duplicatesDropped = metrics.counter("duplicatesDropped");
        gaps = metrics.counter("gaps");
        gapMissingReadings = metrics.counter("gapMissingReadings");
        lateReadings = metrics.counter("lateReadings");
        epochsStarted = metrics.counter("epochsStarted");
        seqJumpsHeldBack = metrics.counter("seqJumpsHeldBack");
        bufferedNow = 0;
        countingSince = Long.MIN_VALUE;
        metrics.gauge("bufferedReadings", (Gauge<Long>) () -> bufferedNow);
    }

    @Override
    public void processElement(HoverboardReading reading, Context ctx, Collector<HoverboardReading> out)
            throws Exception {
        // The clock is read only where a reading is held or a wait is bounded (~25 ns a read, on every reading
        // otherwise): readings in order, the common case, need no time.
        if (countingSince == Long.MIN_VALUE) {
            startCounting(now(ctx));
        }
        readingsIn.inc();
        SequenceCursor cursor;
        if (keys != null) {
            DeviceRun run = deviceRun(reading.getDeviceId(), ctx);
            cursor = run.cursor;
            held = run.held;
        } else {
            held = direct;
            cursor = loadCursor();
        }
        long seq = reading.getSeq();
        Long next = cursor.getNextSeq();

        if (ofPastEpoch(cursor, reading)) {
            late(reading, ctx);
        } else if (next != null && seq < next && restarted(cursor, reading)) {
            startEpoch(cursor, reading, REASON_DEVICE_RESTART, ctx, out);
        } else if (next != null && seq > next && seq - next > config.maxSeqJump()) {
            jumped(cursor, reading, ctx, out);
        } else if (next == null) {
            if (isHeld(cursor, seq)) {
                duplicatesDropped.inc();
            } else if (seq <= config.firstSeq()) {
                cursor.setTrackedFrom(seq);
                emitInOrder(cursor, reading, out);
            } else {
                hold(cursor, reading, now(ctx));
            }
        } else if (seq == next) {
            emitInOrder(cursor, reading, out);
        } else if (seq > next) {
            if (isHeld(cursor, seq)) {
                duplicatesDropped.inc();
            } else {
                hold(cursor, reading, now(ctx));
            }
        } else {
            classifyBehind(cursor, reading, ctx);
        }

        if (cursor.getHeldCount() > config.maxBuffered()) {
            skipGap(cursor, reading.getDeviceId(), sortedHeld(), now(ctx), REASON_BUFFER_FULL, ctx, out);
        }
        if (cursor.getHeldCount() == 0) {
            cancelTimer(cursor, ctx);
        } else if (cursor.getHoldTimer() == null) {
            armTimer(cursor, now(ctx) + config.maxHold().toMillis(), ctx);
        }
        if (keys == null) {
            cursorState.update(cursor);
        }
    }

    @Override
    public void startBundle(KeyedBundleFunction.KeySwitch<String> keys) {
        this.keys = keys;
    }

    @Override
    public void finishBundle() throws Exception {
        for (DeviceRun run : runs.values()) {
            keys.use(run.deviceId);
            Long timer = run.cursor.getHoldTimer();
            if (!Objects.equals(timer, run.timerAtStart)) {
                if (run.timerAtStart != null) {
                    timers.deleteProcessingTimeTimer(run.timerAtStart);
                }
                if (timer != null) {
                    timers.registerProcessingTimeTimer(timer);
                }
            }
            run.held.writeBack();
            cursorState.update(run.cursor);
        }
        runs.clear();
        keys = null;
        held = direct;
    }

    /** The device's cursor and held readings in this bundle: read from the state at its first reading in it. */
    private DeviceRun deviceRun(String deviceId, Context ctx) throws Exception {
        DeviceRun run = runs.get(deviceId);
        if (run == null) {
            KeyedBundleFunction.KeySwitch<String> bundleKeys = keys;
            bundleKeys.use(deviceId);
            timers = ctx.timerService();
            SequenceCursor cursor = loadCursor();
            run = new DeviceRun(deviceId, cursor, cursor.getHoldTimer(),
                    HeldReadings.buffered(heldState, cursor.getHeldCount(), () -> bundleKeys.use(deviceId)));
            runs.put(deviceId, run);
        }
        return run;
    }

    /** A device's state in a bundle, and the hold timer it had when the bundle read it. */
    private record DeviceRun(String deviceId, SequenceCursor cursor, Long timerAtStart, HeldReadings held) {}

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<HoverboardReading> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        startCounting(now);
        held = direct; // timers fire outside bundles, with their key set
        SequenceCursor cursor = loadCursor();
        if (cursor.getHoldTimer() != null && cursor.getHoldTimer() == timestamp) {
            cursor.setHoldTimer(null);
        }
        // The timer only says "some wait may be over": which one is decided from the held readings, so a timer
        // left over from an expired cursor or a superseded deadline does no harm.
        List<HeldReading> pending = sortedHeld();
        while (!pending.isEmpty()) {
            long waitingSince = pending.stream().mapToLong(HeldReading::getHeldSince).min().getAsLong();
            long deadline = waitingSince + config.maxHold().toMillis();
            if (deadline > now) {
                armTimer(cursor, deadline, ctx);
                break;
            }
            pending = skipGap(cursor, ctx.getCurrentKey(), pending, now, REASON_HOLD_TIMEOUT, ctx, out);
        }
        cursor.setHeldCount(pending.size());
        if (pending.isEmpty()) {
            cancelTimer(cursor, ctx);
        }
        if (cursor.getNextSeq() == null && pending.isEmpty()) {
            // nothing known about the device: do not create state for a stray timer
            cursorState.clear();
        } else {
            cursorState.update(cursor);
        }
    }

    private static long now(Context ctx) {
        return ctx.timerService().currentProcessingTime();
    }

    private void startCounting(long now) {
        if (countingSince == Long.MIN_VALUE) {
            countingSince = now;
        }
    }

    private SequenceCursor loadCursor() throws Exception {
        SequenceCursor cursor = cursorState.value();
        if (cursor != null) {
            return cursor;
        }
        cursor = SequenceCursor.newBuilder().build();
        // Held readings without a cursor are left over from a cursor that expired during a downtime longer than
        // the TTL; they stay held and belong to the device's new sequence.
        cursor.setHeldCount(HeldReadings.countInState(heldState));
        return cursor;
    }

    private boolean isHeld(SequenceCursor cursor, long seq) throws Exception {
        return cursor.getHeldCount() > 0 && held.contains(seq);
    }

    private void emitInOrder(SequenceCursor cursor, HoverboardReading reading, Collector<HoverboardReading> out)
            throws Exception {
        out.collect(reading);
        readingsInOrder.inc();
        noteReleased(cursor, reading);
        cursor.setNextSeq(reading.getSeq() + 1);
        releaseFollowing(cursor, out);
    }

    /** Releases held readings that continue the sequence without a gap. */
    private void releaseFollowing(SequenceCursor cursor, Collector<HoverboardReading> out) throws Exception {
        while (cursor.getHeldCount() > 0) {
            long next = cursor.getNextSeq();
            HeldReading h = held.get(next);
            if (h == null) {
                return;
            }
            held.remove(next);
            release(cursor, h, out);
            cursor.setNextSeq(next + 1);
        }
    }

    private void hold(SequenceCursor cursor, HoverboardReading reading, long now) throws Exception {
        // A copy: the job runs with object reuse, and the heap backend keeps the very object put here. The input
        // arrives over the keyBy shuffle (a fresh object), but a held reading must not depend on that: only held
        // readings are copied, the rest pass through untouched.
        held.put(reading.getSeq(), new HeldReading(HoverboardReadingSerializer.INSTANCE.copy(reading), now));
        cursor.setHeldCount(cursor.getHeldCount() + 1);
        readingsOutOfOrder.inc();
        bufferedNow++;
    }

    private void release(SequenceCursor cursor, HeldReading h, Collector<HoverboardReading> out) {
        out.collect(h.getReading());
        readingsReleased.inc();
        noteReleased(cursor, h.getReading());
        cursor.setHeldCount(cursor.getHeldCount() - 1);
        if (h.getHeldSince() >= countingSince) {
            bufferedNow--;
        }
    }

    private static void noteReleased(SequenceCursor cursor, HoverboardReading reading) {
        long eventTime = reading.getEventTime().toEpochMilli();
        Long latest = cursor.getMaxReleasedEventTime();
        if (latest == null || eventTime > latest) {
            cursor.setMaxReleasedEventTime(eventTime);
        }
    }

    /**
     * A reading no later than the last one released before the device's current epoch began belongs to an earlier
     * epoch: it cannot take a place in the current order (nor be proven a duplicate) and goes to the late output.
     */
    private static boolean ofPastEpoch(SequenceCursor cursor, HoverboardReading reading) {
        Long until = cursor.getPastEpochsUntil();
        return until != null && reading.getEventTime().toEpochMilli() <= until;
    }

    /**
     * A reading behind the cursor is a restart of the device's numbering when its seq is not one skipped in a
     * tracked gap (that would be a late reading) and it is later than every released reading: no copy of a
     * released reading can be later than all of them.
     */
    private static boolean restarted(SequenceCursor cursor, HoverboardReading reading) {
        Long latestReleased = cursor.getMaxReleasedEventTime();
        if (latestReleased == null || reading.getEventTime().toEpochMilli() <= latestReleased) {
            return false;
        }
        long seq = reading.getSeq();
        for (SeqRange range : cursor.getMissing()) {
            if (seq >= range.getFromSeq() && seq <= range.getToSeq()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A reading more than {@link OrderingConfig#maxSeqJump()} ahead of the cursor is not held: holding it would
     * skip every seq before it after {@code maxHold}, and a single reading with an absurd seq (a corrupt counter,
     * a hostile producer) would then make every genuine reading of the device late. It goes to the late output
     * (stored, counted in {@code seqJumpsHeldBack}) and is remembered; a later reading that continues from it
     * (a higher seq, less than {@code maxSeqJump} after it, not earlier in time) confirms that the device really
     * jumped, and starts a new epoch there.
     */
    private void jumped(SequenceCursor cursor, HoverboardReading reading, Context ctx, Collector<HoverboardReading> out)
            throws Exception {
        long seq = reading.getSeq();
        long eventTime = reading.getEventTime().toEpochMilli();
        Long jumpSeq = cursor.getJumpSeq();
        if (jumpSeq != null && seq > jumpSeq && seq - jumpSeq <= config.maxSeqJump()
                && eventTime >= cursor.getJumpEventTime()) {
            startEpoch(cursor, reading, REASON_SEQ_JUMP, ctx, out);
            return;
        }
        cursor.setJumpSeq(seq);
        cursor.setJumpEventTime(eventTime);
        seqJumpsHeldBack.inc();
        late(reading, ctx);
    }

    /**
     * Ends the device's current sequence and starts the next one with {@code first}, which is later than every
     * released reading. Held readings earlier than {@code first} belong to the old sequence: they are released
     * now in seq order (the seqs still missing before them reported as gaps with {@code reason}). Held readings
     * not earlier than it stay held, for the new sequence. A restart begins the new sequence as a new device's
     * does (at once if {@code first} is at or below {@link OrderingConfig#firstSeq()}, else after a wait for
     * lower ones); a confirmed jump begins it at {@code first}.
     */
    private void startEpoch(SequenceCursor cursor, HoverboardReading first, String reason, Context ctx,
                            Collector<HoverboardReading> out) throws Exception {
        long firstTime = first.getEventTime().toEpochMilli();
        List<HeldReading> older = new ArrayList<>();
        for (HeldReading h : sortedHeld()) {
            if (h.getReading().getEventTime().toEpochMilli() < firstTime) {
                older.add(h);
            }
        }
        String deviceId = first.getDeviceId();
        long now = older.isEmpty() ? 0 : now(ctx);
        while (!older.isEmpty()) {
            older = skipGap(cursor, deviceId, older, now, reason, ctx, out);
        }
        epochsStarted.inc();
        cursor.setEpoch(cursor.getEpoch() + 1);
        cursor.setPastEpochsUntil(cursor.getMaxReleasedEventTime());
        cursor.setMissing(new ArrayList<>());
        cursor.setJumpSeq(null);
        cursor.setJumpEventTime(null);
        long seq = first.getSeq();
        if (REASON_SEQ_JUMP.equals(reason) || seq <= config.firstSeq()) {
            cursor.setTrackedFrom(seq);
            cursor.setNextSeq(seq);
            emitInOrder(cursor, first, out);
        } else {
            cursor.setTrackedFrom(null);
            cursor.setNextSeq(null);
            if (isHeld(cursor, seq)) {
                duplicatesDropped.inc();
            } else {
                hold(cursor, first, now(ctx));
            }
        }
    }

    /** A reading behind the cursor: late if its seq was skipped (or cannot be judged), else a duplicate. */
    private void classifyBehind(SequenceCursor cursor, HoverboardReading reading, Context ctx) {
        long seq = reading.getSeq();
        Long trackedFrom = cursor.getTrackedFrom();
        if (trackedFrom == null || seq < trackedFrom) {
            late(reading, ctx);
            return;
        }
        List<SeqRange> missing = cursor.getMissing();
        for (int i = 0; i < missing.size(); i++) {
            SeqRange range = missing.get(i);
            if (seq >= range.getFromSeq() && seq <= range.getToSeq()) {
                // the seq is no longer missing: a second copy of this reading is a duplicate
                List<SeqRange> updated = new ArrayList<>(missing.subList(0, i));
                if (range.getFromSeq() < seq) {
                    updated.add(new SeqRange(range.getFromSeq(), seq - 1));
                }
                if (seq < range.getToSeq()) {
                    updated.add(new SeqRange(seq + 1, range.getToSeq()));
                }
                updated.addAll(missing.subList(i + 1, missing.size()));
                setMissing(cursor, updated);
                late(reading, ctx);
                return;
            }
        }
        // A copy of a released reading carries that reading's event time, no later than the latest released one
        // (a later reading behind the cursor is a restart, see restarted()).
        duplicatesDropped.inc();
    }

    private void late(HoverboardReading reading, Context ctx) {
        ctx.output(LATE_READINGS, reading);
        lateReadings.inc();
    }

    /**
     * Gives up on the missing seqs before the lowest held reading: reports them as a gap and releases the held
     * run that follows. Returns the readings still held (sorted), which wait behind a further gap.
     */
    private List<HeldReading> skipGap(
            SequenceCursor cursor, String deviceId, List<HeldReading> sorted, long now, String reason, Context ctx,
            Collector<HoverboardReading> out) throws Exception {
        int i = 0;
        Long next = cursor.getNextSeq();
        // Held readings behind the cursor can only be left from an expired cursor whose sequence restarted higher.
        while (next != null && i < sorted.size() && sorted.get(i).getReading().getSeq() < next) {
            HeldReading stale = sorted.get(i++);
            unhold(cursor, stale);
            late(stale.getReading(), ctx);
        }
        if (i == sorted.size()) {
            return List.of();
        }
        long lowest = sorted.get(i).getReading().getSeq();
        if (next != null && lowest - next > config.maxSeqJump()) {
            // Held readings are within maxSeqJump of the cursor, except those held before the device's sequence
            // started: the lowest of those started it, and the rest may lie absurdly far beyond. Answered as a
            // jump (see jumped()): stored as late, remembered, not released.
            for (; i < sorted.size(); i++) {
                HeldReading far = sorted.get(i);
                unhold(cursor, far);
                cursor.setJumpSeq(far.getReading().getSeq());
                cursor.setJumpEventTime(far.getReading().getEventTime().toEpochMilli());
                seqJumpsHeldBack.inc();
                late(far.getReading(), ctx);
            }
            return List.of();
        }
        if (next == null) {
            cursor.setTrackedFrom(lowest);
        } else if (lowest > next) {
            ctx.output(GAPS, SequenceGap.newBuilder()
                    .setDeviceId(deviceId)
                    .setFromSeq(next)
                    .setToSeq(lowest - 1)
                    .setReason(reason)
                    .setDetectedAt(Instant.ofEpochMilli(now))
                    .setResumedAt(sorted.get(i).getReading().getEventTime())
                    .build());
            gaps.inc();
            gapMissingReadings.inc(lowest - next);
            List<SeqRange> missing = new ArrayList<>(cursor.getMissing());
            missing.add(new SeqRange(next, lowest - 1));
            setMissing(cursor, missing);
        }
        long expected = lowest;
        while (i < sorted.size() && sorted.get(i).getReading().getSeq() == expected) {
            held.remove(expected);
            release(cursor, sorted.get(i), out);
            expected++;
            i++;
        }
        cursor.setNextSeq(expected);
        return sorted.subList(i, sorted.size());
    }

    /** Takes a held reading out of the buffer without releasing it. */
    private void unhold(SequenceCursor cursor, HeldReading h) throws Exception {
        held.remove(h.getReading().getSeq());
        cursor.setHeldCount(cursor.getHeldCount() - 1);
        if (h.getHeldSince() >= countingSince) {
            bufferedNow--;
        }
    }

    /** Keeps at most maxTrackedGaps ranges; below a forgotten range no reading can be proven a duplicate. */
    private void setMissing(SequenceCursor cursor, List<SeqRange> missing) {
        while (missing.size() > config.maxTrackedGaps()) {
            SeqRange oldest = missing.remove(0);
            cursor.setTrackedFrom(Math.max(cursor.getTrackedFrom(), oldest.getToSeq() + 1));
        }
        cursor.setMissing(missing);
    }

    private List<HeldReading> sortedHeld() throws Exception {
        List<HeldReading> all = held.all();
        all.sort(BY_SEQ);
        return all;
    }

    private void armTimer(SequenceCursor cursor, long deadline, Context ctx) {
        Long current = cursor.getHoldTimer();
        if (current != null && current == deadline) {
            return;
        }
        if (keys == null) { // in a bundle: registered when it finishes (finishBundle)
            if (current != null) {
                ctx.timerService().deleteProcessingTimeTimer(current);
            }
            ctx.timerService().registerProcessingTimeTimer(deadline);
        }
        cursor.setHoldTimer(deadline);
    }

    private void cancelTimer(SequenceCursor cursor, Context ctx) {
        if (cursor.getHoldTimer() != null) {
            if (keys == null) {
                ctx.timerService().deleteProcessingTimeTimer(cursor.getHoldTimer());
            }
            cursor.setHoldTimer(null);
        }
    }

    /** The counters of this instance, for tests and diagnostics. */
    Counts counts() {
        return new Counts(readingsIn.getCount(), readingsInOrder.getCount(), readingsOutOfOrder.getCount(),
                readingsReleased.getCount(), duplicatesDropped.getCount(), gaps.getCount(),
                gapMissingReadings.getCount(), lateReadings.getCount(), bufferedNow, epochsStarted.getCount(),
                seqJumpsHeldBack.getCount());
    }

    record Counts(long in, long inOrder, long outOfOrder, long released, long duplicates, long gaps,
                  long gapMissing, long late, long buffered, long epochs, long jumpsHeldBack) {}
}
