package dev.tributary.operators.bundle;

/**
 * Implemented by a keyed function run by {@link BundlingKeyedProcessOperator} that wants to know when the
 * records of one key start and stop arriving back to back, e.g. to read its per-key state once at the start of
 * a run and write it once at the end instead of once per record.
 *
 * <p>Between {@link #keyRunStarted()} and {@link #keyRunEnded()} the current key does not change and only
 * {@code processElement} is called; timers and checkpoints happen outside runs.
 */
public interface KeyRunListener {

    /** The next records, until {@link #keyRunEnded()}, all belong to the current key. */
    void keyRunStarted();

    /** The run of the current key is over: write back what was kept for it. */
    void keyRunEnded() throws Exception;
}
