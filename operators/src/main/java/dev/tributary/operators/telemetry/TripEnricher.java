package dev.tributary.operators.telemetry;

import dev.tributary.events.Trip;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fills a trip's enrichment fields from the latest state of one entity (a customer, a hoverboard): trips are
 * input 1, the entity's updates input 2, both keyed by the entity id. Only the latest state is kept, so the join
 * is bounded: no trip or update history grows in state.
 *
 * <p>A trip whose entity is not known yet waits at most {@link TripEnrichmentConfig#maxWait()} (processing time)
 * for it, then goes out unenriched. Waiting makes the common race (a new customer's profile a moment behind their
 * first trip) come out enriched; emitting right away would make enrichment depend on which topic happened to be
 * read first. Processing time bounds the added latency whatever the watermarks do. Waiting trips are kept by
 * deadline in a {@code MapState} without TTL: their timer empties it within {@code maxWait}, while a TTL could
 * drop them silently after a downtime longer than the TTL (restored timers emit them instead).
 *
 * <p>The latest state expires {@link TripEnrichmentConfig#stateTtl()} after it was last written or read by a
 * trip; a trip after that waits and goes out unenriched unless the entity sends an update.
 *
 * @param <U> the update type of the entity (input 2)
 * @param <S> what is kept of the entity's latest update
 */
public abstract class TripEnricher<U, S> extends KeyedCoProcessFunction<String, Trip, U, Trip> {

    private static final long serialVersionUID = 1L;

    static final TypeInformation<List<Trip>> WAITING_TRIPS_TYPE = Types.LIST(TelemetryTypes.TRIP);

    private final TripEnrichmentConfig config;
    private final String stateName;
    private final TypeInformation<S> stateType;

    private transient ValueState<S> latest;
    private transient MapState<Long, List<Trip>> waiting;

    private transient Counter tripsIn;
    private transient Counter tripsEnriched;
    private transient Counter tripsEnrichedAfterWait;
    private transient Counter tripsUnenrichedAfterTimeout;
    private transient Counter stateUpdates;
    private transient Counter staleStateUpdates;

    /**
     * @param stateName names this enricher's state in savepoints: never change it once released
     */
    protected TripEnricher(TripEnrichmentConfig config, String stateName, TypeInformation<S> stateType) {
        this.config = config;
        this.stateName = stateName;
        this.stateType = stateType;
    }

    /** The new state after an update, or {@code null} if the update is older than {@code current} (ignored). */
    protected abstract S merge(S current, U update);

    /** A copy of the trip with the enrichment fields filled from the state. */
    protected abstract Trip enrich(Trip trip, S state);

    /** The descriptors of this enricher's state (for the no-Kryo check). */
    List<StateDescriptor<?, ?>> stateDescriptors() {
        return List.of(latestDescriptor(), waitingDescriptor());
    }

    private ValueStateDescriptor<S> latestDescriptor() {
        ValueStateDescriptor<S> descriptor = new ValueStateDescriptor<>(stateName + "-latest", stateType);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(config.stateTtl())
                .setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    private MapStateDescriptor<Long, List<Trip>> waitingDescriptor() {
        return new MapStateDescriptor<>(stateName + "-waiting-trips", Types.LONG, WAITING_TRIPS_TYPE);
    }

    @Override
    public void open(OpenContext openContext) {
        latest = getRuntimeContext().getState(latestDescriptor());
        waiting = getRuntimeContext().getMapState(waitingDescriptor());
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        tripsIn = metrics.counter("tripsIn");
        tripsEnriched = metrics.counter("tripsEnriched");
        tripsEnrichedAfterWait = metrics.counter("tripsEnrichedAfterWait");
        tripsUnenrichedAfterTimeout = metrics.counter("tripsUnenrichedAfterTimeout");
        stateUpdates = metrics.counter("stateUpdates");
        staleStateUpdates = metrics.counter("staleStateUpdates");
    }

    @Override
    public void processElement1(Trip trip, Context ctx, Collector<Trip> out) throws Exception {
        tripsIn.inc();
        S state = latest.value();
        if (state != null) {
            out.collect(enrich(trip, state));
            tripsEnriched.inc();
            return;
        }
        long deadline = ctx.timerService().currentProcessingTime() + config.maxWait().toMillis();
        List<Trip> due = waiting.get(deadline);
        List<Trip> updated = due == null ? new ArrayList<>() : new ArrayList<>(due);
        updated.add(trip);
        waiting.put(deadline, updated);
        ctx.timerService().registerProcessingTimeTimer(deadline);
    }

    @Override
    public void processElement2(U update, Context ctx, Collector<Trip> out) throws Exception {
        S merged = merge(latest.value(), update);
        if (merged == null) {
            staleStateUpdates.inc();
            return;
        }
        latest.update(merged);
        stateUpdates.inc();
        if (waiting.isEmpty()) {
            return;
        }
        for (Map.Entry<Long, List<Trip>> entry : waiting.entries()) {
            for (Trip trip : entry.getValue()) {
                out.collect(enrich(trip, merged));
                tripsEnriched.inc();
                tripsEnrichedAfterWait.inc();
            }
            ctx.timerService().deleteProcessingTimeTimer(entry.getKey());
        }
        waiting.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Trip> out) throws Exception {
        List<Trip> due = waiting.get(timestamp);
        if (due == null) {
            return;
        }
        waiting.remove(timestamp);
        for (Trip trip : due) {
            out.collect(trip);
            tripsUnenrichedAfterTimeout.inc();
        }
    }

    /** The counters of this instance, for tests and diagnostics. */
    Counts counts() {
        return new Counts(tripsIn.getCount(), tripsEnriched.getCount(), tripsEnrichedAfterWait.getCount(),
                tripsUnenrichedAfterTimeout.getCount(), stateUpdates.getCount(), staleStateUpdates.getCount());
    }

    record Counts(long tripsIn, long enriched, long enrichedAfterWait, long unenrichedAfterTimeout,
                  long stateUpdates, long staleUpdates) {}
}
