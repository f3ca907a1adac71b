package dev.tributary.bench;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts what reaches it, by name (the MiniCluster runs in the benchmark's JVM, so a static map is read back). */
final class CountingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private final String name;

    CountingSink(String name) {
        this.name = name;
    }

    static long count(String name) {
        LongAdder adder = COUNTS.get(name);
        return adder == null ? 0 : adder.sum();
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        LongAdder adder = COUNTS.computeIfAbsent(name, n -> new LongAdder());
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                adder.increment();
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
