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
 * A device's held readings (keyed {@code MapState} by seq), with a write-back buffer for one run of the device's
 * readings in a bundle ({@link dev.tributary.operators.bundle.KeyRunListener}).
 *
 * <p>Why: a reading is usually held only until the next few readings of its device arrive, and in a bundle those
 * are in the same run. Buffered, such a reading never reaches the state backend; unbuffered, RocksDB paid a put,
 * a get and a delete for it (each a serialization and a JNI call), which was most of the ordering job's state
 * cost. What is still held when the run ends is written to the state then, so between runs (timers, checkpoints)
 * the state holds exactly what is held.
 *
 * <p>Outside a run every call goes straight to the state. The orderer's contract, relied on for the count of
 * readings in the state: it puts only a seq that is not held and removes only one that is.
 */
final class HeldReadings {

    private final MapState<Long, HeldReading> state;
    /** Held during the run, not yet in the state. */
    private final Map<Long, HeldReading> added = new HashMap<>();
    /** In the state, released during the run, not yet removed from it. */
    private final Set<Long> removed = new HashSet<>();
    private boolean buffering;
    /** Held readings in the state that were not removed during the run: none means no state lookup is needed. */
    private int inState;

    HeldReadings(MapState<Long, HeldReading> state) {
        this.state = state;
    }

    /** A run of the current device starts, which holds {@code heldInState} readings in the state. */
    void startRun(int heldInState) {
        buffering = true;
        inState = heldInState;
    }

    /** The run ends: what it released leaves the state, what it still holds enters it. */
    void endRun() throws Exception {
        for (Long seq : removed) {
            state.remove(seq);
        }
        if (!added.isEmpty()) {
            state.putAll(added);
        }
        added.clear();
        removed.clear();
        buffering = false;
    }

    boolean contains(long seq) throws Exception {
        if (!buffering) {
            return state.contains(seq);
        }
        return added.containsKey(seq) || (inState > 0 && !removed.contains(seq) && state.contains(seq));
    }

    HeldReading get(long seq) throws Exception {
        if (!buffering) {
            return state.get(seq);
        }
        HeldReading h = added.get(seq);
        if (h != null || inState == 0 || removed.contains(seq)) {
            return h;
        }
        return state.get(seq);
    }

    void put(long seq, HeldReading reading) throws Exception {
        if (!buffering) {
            state.put(seq, reading);
            return;
        }
        added.put(seq, reading);
        // held again after its release in this run: the write at the end replaces the state's entry
        removed.remove(seq);
    }

    void remove(long seq) throws Exception {
        if (!buffering) {
            state.remove(seq);
            return;
        }
        if (added.remove(seq) == null) {
            removed.add(seq);
            inState--;
        }
    }

    /** Every held reading, in no particular order. */
    List<HeldReading> all() throws Exception {
        List<HeldReading> all = new ArrayList<>();
        if (!buffering || inState > 0) {
            for (Map.Entry<Long, HeldReading> entry : state.entries()) {
                if (!buffering || !removed.contains(entry.getKey()) && !added.containsKey(entry.getKey())) {
                    all.add(entry.getValue());
                }
            }
        }
        if (buffering) {
            all.addAll(added.values());
        }
        return all;
    }

    /** Readings in the state (outside a run: all held readings). */
    int countInState() throws Exception {
        int count = 0;
        for (Long ignored : state.keys()) {
            count++;
        }
        return count;
    }
}
