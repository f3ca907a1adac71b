package dev.tributary.operators.bundle;

/**
 * Implemented by a keyed function that {@link BundlingKeyedProcessOperator} runs: within a bundle the operator
 * hands it records in arrival order <em>without setting their key</em>, and the function keeps what it reads of
 * each key's state in a cache of its own, written back once per key when the bundle finishes.
 *
 * <p>Why: with many records per key in a bundle, reading and writing a key's state once per bundle instead of
 * once per record is most of a state backend's cost (RocksDB: a (de)serialization and a JNI call per access), and
 * so is setting the key per record (RocksDB serializes it). Processing each record as it arrives, rather than
 * buffering records to replay them key by key, touches each record once, while it is still in the CPU's cache.
 *
 * <p>The contract, from {@link #startBundle} to {@link #finishBundle}:
 * <ul>
 *   <li>{@code processElement} runs with whatever key was set last: the function takes the key from the record,
 *       never from {@code ctx.getCurrentKey()};</li>
 *   <li>before the function touches keyed state or timers of a key (a miss in its cache, or a lookup it cannot
 *       avoid) it calls {@link KeySwitch#use} with that key;</li>
 *   <li>{@link #finishBundle} writes back every cached key's state and timers, switching keys the same way. The
 *       operator calls it before anything that must see that state: a timer, a watermark, a checkpoint barrier,
 *       the end of input, a full bundle or one that has waited its longest. Timers fire outside bundles, with
 *       their key set as usual.</li>
 * </ul>
 */
public interface KeyedBundleFunction<K> {

    /** A bundle starts: until {@link #finishBundle}, records arrive without their key set. */
    void startBundle(KeySwitch<K> keys);

    /** Writes back what the bundle cached, key by key; records arrive with their key set again afterwards. */
    void finishBundle() throws Exception;

    /** Sets the operator's current key (the state backend's key context), if it is not that key already. */
    @FunctionalInterface
    interface KeySwitch<K> {
        void use(K key);
    }
}
