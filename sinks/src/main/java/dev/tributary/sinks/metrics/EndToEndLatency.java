package dev.tributary.sinks.metrics;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.io.Serial;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Wraps any Sink V2 so that every record it is handed is measured: {@code now - record timestamp} goes into the
 * histogram {@value #METRIC} of an operator chained right in front of the sink's writer (so one histogram per
 * flow and sink; the web UI and REST API show {@code endToEndLatencyMs_p50/_p99/_max...} on the sink's vertex,
 * Prometheus a summary with quantiles).
 *
 * <p>The record timestamp of a Kafka source record is the Kafka record's timestamp (the producer's create time,
 * or the broker's log-append time), and Flink carries it through maps, process functions and keyBy. So the
 * histogram measures from "the event was produced to Kafka" to "the sink writer takes it". Records without a
 * timestamp are not measured: Flink erases it on records emitted from processing-time timers, and operators
 * that emit from state (windows, enrichment joins) stamp their own time. For transactional sinks (Kafka
 * EXACTLY_ONCE) a record becomes visible to read_committed readers only at the next checkpoint, so the latency
 * readers see is this value plus up to one checkpoint interval.
 *
 * <p>How: the wrapped sink also offers {@link SupportsPreWriteTopology}, through which Flink lets a sink add
 * operators in front of its writer; the measuring operator ({@link Measure}) is added there, before the wrapped
 * sink's own pre-write topology if it has one. Per record that is one chained call and a histogram update.
 * Why a dynamic proxy for the sink (called when the graph is built and when writers are created, never per
 * record) and not a subclass: sinks declare their capabilities through interfaces the runtime checks with
 * {@code instanceof} ({@code SupportsCommitter}, {@code SupportsWriterState}, ...); the proxy implements every
 * public interface of the wrapped sink and forwards every call, so exactly-once commits and writer state are
 * untouched, whatever sink is wrapped.
 */
public final class EndToEndLatency {

    /** Name of the histogram in the measuring operator's metric group. */
    public static final String METRIC = "endToEndLatencyMs";

    /** How many recent values the histogram's quantiles are computed over. */
    static final int WINDOW = 1024;

    private EndToEndLatency() {}

    /**
     * The sink, measured. Wrapping an already measured sink returns it unchanged.
     *
     * @param id stable and unique per sink in the job: the measuring operator's uid is {@code <id>-latency}
     */
    @SuppressWarnings("unchecked")
    public static <T> Sink<T> measured(Sink<T> sink, String id) {
        if (isMeasured(sink)) {
            return sink;
        }
        Set<Class<?>> interfaces = new LinkedHashSet<>(List.of(publicInterfaces(sink.getClass())));
        interfaces.add(SupportsPreWriteTopology.class);
        return (Sink<T>) Proxy.newProxyInstance(sink.getClass().getClassLoader(),
                interfaces.toArray(Class<?>[]::new), new SinkHandler(sink, id + "-latency"));
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
        private static final long serialVersionUID = 2L;

        private final Sink<?> delegate;
        private final String uid;

        SinkHandler(Sink<?> delegate, String uid) {
            this.delegate = delegate;
            this.uid = uid;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, delegate, method, args);
            }
            if (method.getDeclaringClass() == SupportsPreWriteTopology.class) {
                DataStream in = (DataStream) args[0];
                DataStream measured = in.process(new Measure<>(), in.getType()).uid(uid).name("End-to-end latency");
                return delegate instanceof SupportsPreWriteTopology own ? own.addPreWriteTopology(measured) : measured;
            }
            return forward(delegate, method, args);
        }
    }

    /** Records each record's age into {@value #METRIC} and passes it on unchanged. */
    static final class Measure<T> extends ProcessFunction<T, T> {

        @Serial
        private static final long serialVersionUID = 1L;

        private transient Histogram latency;

        @Override
        public void open(OpenContext openContext) {
            latency = getRuntimeContext().getMetricGroup().histogram(METRIC, new DescriptiveStatisticsHistogram(WINDOW));
        }

        @Override
        public void processElement(T value, Context ctx, Collector<T> out) {
            Long timestamp = ctx.timestamp();
            if (timestamp != null && timestamp != TimestampAssigner.NO_TIMESTAMP) {
                // a producer clock ahead of ours would give a negative value: count it as "no delay"
                latency.update(Math.max(0, System.currentTimeMillis() - timestamp));
            }
            out.collect(value);
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
