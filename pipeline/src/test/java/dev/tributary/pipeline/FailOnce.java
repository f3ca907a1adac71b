package dev.tributary.pipeline;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws once, in the middle of the stream, to make Flink restore from its last checkpoint, and only once a
 * checkpoint that records had passed before has completed: a failure before any checkpoint would replay the input
 * from offset 0 into empty output, where "exactly once" holds trivially. The barrier of such a checkpoint follows
 * those records to the sinks, so their output is in the checkpoint's committed transactions.
 *
 * <p>The counters are static (the function is serialized into the job, and its subtasks share them) and kept per
 * name, so test classes sharing a JVM do not see each other's failure. {@link #assertRestoredAfterCommittedOutput}
 * then checks that the job came back from a checkpoint, not from the start.
 */
public final class FailOnce<T> implements MapFunction<T, T>, CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;
    /**
     * Once {@code failAfter} records passed and no covering checkpoint has completed yet (input produced before the
     * job starts drains in far less than one checkpoint interval), each record waits this long, so a checkpoint
     * (every 300 ms in {@link TestEnvironments}) completes while input remains. Not a timing assumption: the fault
     * waits for the checkpoint, however long it takes.
     */
    private static final long PACE_MILLIS = 50;
    private static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();

    private final String name;
    private final int failAfter;
    /** records this subtask passed: a checkpoint it snapshots after one covers output */
    private transient long passedHere;

    public FailOnce(String name, int failAfter) {
        this.name = name;
        this.failAfter = failAfter;
    }

    /** What one named fault saw, shared by its subtasks. */
    private static final class Fault {
        final AtomicInteger seen = new AtomicInteger();
        final AtomicBoolean failed = new AtomicBoolean();
        /** the first checkpoint taken after records had passed; -1 until one is */
        final AtomicLong covering = new AtomicLong(-1);
        /** the greatest completed checkpoint that covers records; -1 until one completed */
        final AtomicLong completed = new AtomicLong(-1);
        /** {@link #completed} when the fault was thrown */
        final AtomicLong completedAtFailure = new AtomicLong(-1);
        /** the checkpoint the subtasks restored from after the failure: 0 when they started empty, -1 until they started */
        final AtomicLong restoredFrom = new AtomicLong(-1);
    }

    private static Fault fault(String name) {
        return FAULTS.computeIfAbsent(name, n -> new Fault());
    }

    /** Whether the failure named {@code name} was thrown. */
    public static boolean failed(String name) {
        return fault(name).failed.get();
    }

    /**
     * Asserts the fault was thrown after a checkpoint covering records had completed, and that the job restored
     * from that checkpoint or a later one (the latest completed when it failed), not from an empty start.
     */
    public static void assertRestoredAfterCommittedOutput(String name) throws InterruptedException {
        Fault f = fault(name);
        assertThat(f.failed.get()).as("the fault '%s' was injected", name).isTrue();
        // the restore follows the failure after the restart delay
        Await.untilOrTimeout(Duration.ofMinutes(1), () -> f.restoredFrom.get() != -1);
        assertThat(f.completedAtFailure.get()).as("a checkpoint covering records completed before the fault '%s'", name)
                .isPositive();
        assertThat(f.restoredFrom.get()).as("after the fault '%s' the job restored from the checkpoint that had completed"
                + " before it (chk-%d) or a later one", name, f.completedAtFailure.get())
                .isGreaterThanOrEqualTo(f.completedAtFailure.get());
    }

    @Override
    public T map(T value) throws InterruptedException {
        Fault f = fault(name);
        passedHere++;
        if (f.seen.incrementAndGet() >= failAfter && !f.failed.get()) {
            long completed = f.completed.get();
            if (completed > 0) {
                if (f.failed.compareAndSet(false, true)) {
                    f.completedAtFailure.set(completed);
                    throw new IllegalStateException("injected failure '" + name + "' after " + f.seen.get()
                            + " records, checkpoint " + f.completed.get() + " completed");
                }
            } else {
                TimeUnit.MILLISECONDS.sleep(PACE_MILLIS);
            }
        }
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        if (passedHere > 0) {
            fault(name).covering.compareAndSet(-1, context.getCheckpointId());
        }
    }

    /**
     * Notes a completed checkpoint that covers records; when the input has run out past {@code failAfter} before one
     * did (the pacing above is not a guarantee), the fault is thrown here instead, which fails the task just the same.
     */
    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Fault f = fault(name);
        long covering = f.covering.get();
        if (covering > 0 && checkpointId >= covering) {
            f.completed.accumulateAndGet(checkpointId, Math::max);
            if (f.seen.get() >= failAfter && f.failed.compareAndSet(false, true)) {
                f.completedAtFailure.set(checkpointId);
                throw new IllegalStateException("injected failure '" + name + "' after " + f.seen.get()
                        + " records, on the completion of checkpoint " + checkpointId);
            }
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        Fault f = fault(name);
        if (f.failed.get()) {
            // -1 would read as "not restored yet": a start without a checkpoint is recorded as 0
            f.restoredFrom.set(context.getRestoredCheckpointId().orElse(0));
        }
    }
}
