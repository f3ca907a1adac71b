package dev.tributary.pipeline;

import dev.tributary.operators.codec.RawRecord;

import org.apache.flink.api.common.functions.MapFunction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throws once, after a number of records, to make Flink restore from the last checkpoint. Its counters are
 * static (Flink runs copies of the function) and kept per name, so tests sharing a JVM inject their own fault.
 */
public final class FailOnce implements MapFunction<RawRecord, RawRecord> {

    private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String name;
    private final int failAfter;

    public FailOnce(String name, int failAfter) {
        this.name = name;
        this.failAfter = failAfter;
        SEEN.put(name, new AtomicInteger());
        FAILED.put(name, new AtomicBoolean());
    }

    /** Whether the fault named so was injected. */
    public static boolean failed(String name) {
        AtomicBoolean failed = FAILED.get(name);
        return failed != null && failed.get();
    }

    @Override
    public RawRecord map(RawRecord value) {
        if (SEEN.get(name).incrementAndGet() >= failAfter && FAILED.get(name).compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure '" + name + "' after " + failAfter + " records");
        }
        return value;
    }
}
