package dev.tributary.sinks.metrics;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Wraps any Sink V2 so that its writer records, for every record it is handed, {@code now - record timestamp} in
 * the histogram {@value #METRIC} of the sink's writer operator (so one histogram per flow and sink; the web UI and
 * REST API show {@code endToEndLatencyMs_p50/_p99/_max...}, Prometheus a summary with quantiles).
 *
 * <p>The record timestamp of a Kafka source record is the Kafka record's timestamp (the producer's create time,
 * or the broker's log-append time), and Flink carries it through maps, process functions and keyBy. So the
 * histogram measures from "the event was produced to Kafka" to "the sink writer took it". Records without a
 * timestamp are not measured: Flink erases it on records emitted from processing-time timers, and operators
 * that emit from state (windows, enrichment joins) stamp their own time. For transactional sinks (Kafka
 * EXACTLY_ONCE) a record becomes visible to read_committed readers only at the next checkpoint, so the latency
 * readers see is this value plus up to one checkpoint interval.
 *
 * <p>Why a dynamic proxy and not a subclass: sinks declare their capabilities through interfaces the runtime
 * checks with {@code instanceof} ({@code SupportsCommitter}, {@code SupportsWriterState}, ...), and writers do the
 * same ({@code CommittingSinkWriter}, {@code StatefulSinkWriter}). The proxy implements every public interface of
 * the wrapped sink and writer and forwards every call, so exactly-once commits and writer state are untouched,
 * whatever sink is wrapped. Only {@code createWriter}/{@code restoreWriter} (to wrap the writer) and
 * {@code write} (to measure) are intercepted.
 */
public final class EndToEndLatency {

    /** Name of the histogram in the sink writer's operator metric group. */
    public static final String METRIC = "endToEndLatencyMs";

    /** How many recent values the histogram's quantiles are computed over. */
    static final int WINDOW = 1024;

    private EndToEndLatency() {}

    /** The sink, measured. Wrapping an already measured sink returns it unchanged. */
    @SuppressWarnings("unchecked")
    public static <T> Sink<T> measured(Sink<T> sink) {
        if (isMeasured(sink)) {
            return sink;
        }
        return (Sink<T>) Proxy.newProxyInstance(sink.getClass().getClassLoader(),
                publicInterfaces(sink.getClass()), new SinkHandler(sink));
    }

    /** Whether the sink was returned by {@link #measured(Sink)}. */
    public static boolean isMeasured(Sink<?> sink) {
        return Proxy.isProxyClass(sink.getClass()) && Proxy.getInvocationHandler(sink) instanceof SinkHandler;
    }

    /** Every public interface of the class, its superclasses and its interfaces' superinterfaces. */
    static Class<?>[] publicInterfaces(Class<?> type) {
        Set<Class<?>> out = new LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                collect(i, out);
            }
        }
        return out.toArray(Class<?>[]::new);
    }

    private static void collect(Class<?> iface, Set<Class<?>> out) {
        // Non-public interfaces (e.g. a connector's package-private combinations of the public ones) cannot be
        // implemented by one proxy together with interfaces of other packages; their public superinterfaces
        // carry the capabilities the runtime checks.
        if (Modifier.isPublic(iface.getModifiers())) {
            out.add(iface);
        }
        for (Class<?> parent : iface.getInterfaces()) {
            collect(parent, out);
        }
    }

    static Object forward(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Serialized with the job graph (the proxy is Serializable when its handler is). */
    private static final class SinkHandler implements InvocationHandler, Serializable {

        @Serial
        private static final long serialVersionUID = 1L;

        private final Sink<?> delegate;

        SinkHandler(Sink<?> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, delegate, method, args);
            }
            Object result = forward(delegate, method, args);
            if (result instanceof SinkWriter<?> writer && args != null && args.length > 0
                    && args[0] instanceof WriterInitContext context
                    && (method.getName().equals("createWriter") || method.getName().equals("restoreWriter"))) {
                Histogram histogram = context.metricGroup().histogram(METRIC, new DescriptiveStatisticsHistogram(WINDOW));
                return Proxy.newProxyInstance(writer.getClass().getClassLoader(), publicInterfaces(writer.getClass()),
                        new WriterHandler(writer, histogram));
            }
            return result;
        }
    }

    private static final class WriterHandler implements InvocationHandler {

        private final SinkWriter<?> delegate;
        private final Histogram latency;

        WriterHandler(SinkWriter<?> delegate, Histogram latency) {
            this.delegate = delegate;
            this.latency = latency;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, delegate, method, args);
            }
            Object result = forward(delegate, method, args);
            if (args != null && args.length == 2 && args[1] instanceof SinkWriter.Context context
                    && method.getName().equals("write")) {
                Long timestamp = context.timestamp();
                if (timestamp != null) {
                    // a producer clock ahead of ours would give a negative value: count it as "no delay"
                    latency.update(Math.max(0, System.currentTimeMillis() - timestamp));
                }
            }
            return result;
        }
    }

    private static Object objectMethod(Object proxy, Object delegate, Method method, Object[] args) throws Throwable {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "EndToEndLatency(" + delegate + ")";
            default -> forward(delegate, method, args);
        };
    }
}
