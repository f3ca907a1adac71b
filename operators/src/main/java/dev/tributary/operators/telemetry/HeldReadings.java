package dev.tributary.operators.telemetry;

import dev.tributary.events.HeldReading;

import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A device's held readings (keyed {@code MapState} by seq): either straight on the state, or a write-back buffer
 * over it for the device's readings in one bundle ({@link dev.tributary.operators.bundle.KeyedBundleFunction}).
 *
 * <p>Why buffer: a reading is usually held only until the next few readings of its device arrive, and in a bundle
 * those are in the same bundle. Buffered, such a reading never reaches the state backend; unbuffered, RocksDB paid
 * a put, a get and a delete for it (each a serialization and a JNI call), which was most of the ordering job's
 * state cost. What is still held when the bundle finishes is written to the state then ({@link #writeBack}), so
 * between bundles (timers, checkpoints) the state holds exactly what is held.
 *
 * <p>A buffer is used while other devices' keys may be set: before it reads the state it has the device's key set
 * ({@code useKey}), which happens only when the device came into the bundle with readings held in the state. The
 * orderer's contract, relied on for the count of readings in the state: it puts only a seq that is not held and
 * removes only one that is.
 */
final class HeldReadings {

    private final MapState<Long, HeldReading> state;
    /** Sets the device's key before a state access; null for direct access under the current key. */
    private final Runnable useKey;
    /** Held during the bundle, not yet in the state (created on first use: most devices hold nothing). */
    private Map<Long, HeldReading> added;
    /** In the state, released during the bundle, not yet removed from it. */
    private Set<Long> removed;
    /** Held readings in the state that were not removed during the bundle: none means no state lookup is needed. */
    private int inState;

    private HeldReadings(MapState<Long, HeldReading> state, Runnable useKey, int inState) {
        this.state = state;
        this.useKey = useKey;
        this.inState = inState;
    }

    /** Every call goes to the state, for the current key. */
    static HeldReadings direct(MapState<Long, HeldReading> state) {
        return new HeldReadings(state, null, 0);
    }

    /** A buffer for one device in a bundle; its state holds {@code heldInState} readings. */
    static HeldReadings buffered(MapState<Long, HeldReading> state, int heldInState, Runnable useKey) {
        return new HeldReadings(state, useKey, heldInState);
    }

    /** Readings in the state of the current key. */
    static int countInState(MapState<Long, HeldReading> state) throws Exception {
        int count = 0;
        for (Long ignored : state.keys()) {
            count++;
        }
        return count;
    }

    private boolean buffering() {
        return useKey != null;
    }

    private HeldReading addedInBundle(long seq) {
        return added == null ? null : added.get(seq);
    }

    private boolean removedInBundle(long seq) {
        return removed != null && removed.contains(seq);
    }

    /** The bundle finishes, with the device's key set: what it released leaves the state, what it holds enters. */
    void writeBack() throws Exception {
        if (removed != null) {
            for (Long seq : removed) {
                state.remove(seq);
            }
        }
        if (added != null && !added.isEmpty()) {
            state.putAll(added);
        }
    }

    boolean contains(long seq) throws Exception {
        if (!buffering()) {
            return state.contains(seq);
        }
        if (addedInBundle(seq) != null) {
            return true;
        }
        if (inState == 0 || removedInBundle(seq)) {
            return false;
        }
        useKey.run();
        return state.contains(seq);
    }

    HeldReading get(long seq) throws Exception {
        if (!buffering()) {
            return state.get(seq);
        }
        HeldReading h = addedInBundle(seq);
        if (h != null || inState == 0 || removedInBundle(seq)) {
            return h;
        }
        useKey.run();
        return state.get(seq);
    }

    void put(long seq, HeldReading reading) throws Exception {
        if (!buffering()) {
            state.put(seq, reading);
            return;
        }
        if (added == null) {
            added = new HashMap<>();
        }
        added.put(seq, reading);
        if (removed != null) {
            removed.remove(seq); // held again after its release in this bundle: the write-back replaces the entry
        }
    }

    void remove(long seq) throws Exception {
        if (!buffering()) {
            state.remove(seq);
            return;
        }
        if (added == null || added.remove(seq) == null) {
            if (removed == null) {
                removed = new HashSet<>();
            }
            removed.add(seq);
            inState--;
        }
    }

    /** Every held reading, in no particular order. */
    List<HeldReading> all() throws Exception {
        List<HeldReading> all = new ArrayList<>();
        if (!buffering() || inState > 0) {
            if (buffering()) {
                useKey.run();
            }
            for (Map.Entry<Long, HeldReading> entry : state.entries()) {
                Long seq = entry.getKey();
                if (!buffering() || !removedInBundle(seq) && addedInBundle(seq) == null) {
                    all.add(entry.getValue());
                }
            }
        }
        if (added != null) {
            all.addAll(added.values());
        }
        return all;
    }
}
