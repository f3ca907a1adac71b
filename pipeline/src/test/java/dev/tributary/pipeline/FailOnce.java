package dev.tributary.pipeline;

import org.apache.flink.api.common.functions.MapFunction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throws once, in the middle of the stream, to make Flink restore from the last checkpoint. The counters are
 * static (the function is serialized into the job) and kept per name, so test classes sharing a JVM do not see
 * each other's failure.
 */
public final class FailOnce<T> implements MapFunction<T, T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String name;
    private final int failAfter;

    public FailOnce(String name, int failAfter) {
        this.name = name;
        this.failAfter = failAfter;
    }

    /** Whether the failure named {@code name} was thrown. */
    public static boolean failed(String name) {
        return FAILED.computeIfAbsent(name, n -> new AtomicBoolean()).get();
    }

    @Override
    public T map(T value) {
        if (SEEN.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet() >= failAfter
                && FAILED.computeIfAbsent(name, n -> new AtomicBoolean()).compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure '" + name + "' after " + failAfter + " records");
        }
        return value;
    }
}
