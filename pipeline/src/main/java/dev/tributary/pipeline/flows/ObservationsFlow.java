package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.observations.DimensionValue;
import dev.tributary.operators.observations.EventTimeGate;
import dev.tributary.operators.observations.ObservationArrival;
import dev.tributary.operators.observations.ObservationDedupe;
import dev.tributary.operators.observations.ObservationDimensions;
import dev.tributary.operators.observations.ObservationDocuments;
import dev.tributary.operators.observations.ObservationWindows;
import dev.tributary.operators.observations.WindowLateObservations;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.redshift.WarehouseTables;
import dev.tributary.sinks.search.DocumentMapper;
import dev.tributary.sinks.search.SearchAction;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The observations flow: GBIF, OBIS and iDigBio occurrence streams counted in event-time tumbling windows by
 * kingdom, species and source.
 *
 * <pre>
 * observations.{gbif,obis,idigbio} → source: decode, event time per partition (bounded out-of-orderness,
 *     idleness, watermark alignment, clock guard; see Inputs)
 *   → gate: late or on time against the source's watermark (the minimum over partitions; kept across restores)
 *   → keyBy(occurrenceId) → dedupe (copies dropped and counted) ──late──► observations.late (Kafka, exactly-once)
 *   │                                                             └─► (with the on-time ones, below)
 *   ├─► every unique observation: warehouse observations, search index observations&lt;suffix&gt;
 *   → kingdom | species | source → keyBy(dimension, value) → tumbling window count (fires once, final)
 *       → ObservationCount: warehouse observation_counts, search index observation-counts&lt;suffix&gt;
 * </pre>
 *
 * Every decoded observation is accounted for: a dropped copy ({@code observationsDuplicatesDropped}), counted in
 * its windows ({@code observationsOnTime}), or late ({@code observationsLate}, {@code observationsLateAtWindow})
 * and on the late topic; every unique one is stored in the warehouse and the search index.
 */
public final class ObservationsFlow implements FlowGraph {

    public static final String FLOW = "observations";
    public static final String INDEX = "observations";
    public static final String COUNTS_INDEX = "observation-counts";

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        JobSettings settings = context.settings();
        Duration window = settings.get(JobSettings.OBSERVATIONS_WINDOW_SIZE);
        String lateTopic = settings.get(JobSettings.TOPIC_OBSERVATIONS_LATE);
        String suffix = settings.get(JobSettings.OBSERVATIONS_INDEX_SUFFIX);

        // event time is assigned in the source, per Kafka partition (see Inputs)
        SingleOutputStreamOperator<Observation> unique = context.inputs().records(EventType.OBSERVATION)
                .transform("Late or on time", TypeInformation.of(ObservationArrival.class), new EventTimeGate(window))
                .uid(FLOW + "-gate")
                .keyBy(ObservationArrival::occurrenceId)
                .process(new ObservationDedupe(settings.get(JobSettings.OBSERVATIONS_DEDUPE_TTL)))
                .returns(AvroTypes.of(Observation.class)).uid(FLOW + "-dedupe").name("Drop duplicate occurrences");
        DataStream<Observation> late = unique.getSideOutput(ObservationDedupe.LATE);

        SingleOutputStreamOperator<ObservationCount> counts = ObservationWindows.count(unique
                .flatMap(new ObservationDimensions()).returns(TypeInformation.of(DimensionValue.class))
                .uid(FLOW + "-dimensions").name("Kingdom, species, source")
                .keyBy(DimensionValue::key), window).uid(FLOW + "-window-counts").name("Count per " + window.toString().substring(2).toLowerCase() + " window");
        DataStream<Observation> lateAtWindow = counts.getSideOutput(ObservationWindows.LATE_AT_WINDOW)
                .flatMap(new WindowLateObservations()).returns(AvroTypes.of(Observation.class))
                .uid(FLOW + "-late-at-window").name("Late at the window");

        late.union(lateAtWindow)
                .sinkTo(context.sinks().kafka("observations-late", lateTopic,
                        o -> o.getOccurrenceId().getBytes(StandardCharsets.UTF_8), new AvroEventSerializer<>(Observation.class)))
                .uid(FLOW + "-late-sink").name("Kafka " + lateTopic);

        context.toWarehouse(counts.keyBy(ObservationDocuments::countId),
                FLOW, FLOW + "-counts-warehouse-sink", "Warehouse observation_counts", List.of(WarehouseTables.OBSERVATION_COUNTS));
        context.toSearch(counts, FLOW, FLOW + "-counts-search-sink", "Search " + COUNTS_INDEX + suffix,
                countDocuments(COUNTS_INDEX + suffix), COUNTS_INDEX);

        // the late ones too: stored like every unique observation, just not counted
        DataStream<Observation> stored = unique.union(late);
        context.toWarehouse(stored.keyBy(Observation::getOccurrenceId),
                FLOW, FLOW + "-warehouse-sink", "Warehouse observations", List.of(WarehouseTables.OBSERVATIONS));
        context.toSearch(stored, FLOW, FLOW + "-search-sink", "Search " + INDEX + suffix,
                observationDocuments(INDEX + suffix), INDEX);

        return List.of();
    }

    /** Counts are final when emitted, so no external version: a replay writes the same document. */
    static DocumentMapper<ObservationCount> countDocuments(String index) {
        return c -> SearchAction.index(index, ObservationDocuments.countId(c), null, ObservationDocuments.count(c));
    }

    /** An occurrence never changes; a replay or a later copy writes the same document. */
    static DocumentMapper<Observation> observationDocuments(String index) {
        return o -> SearchAction.index(index, ObservationDocuments.observationId(o), null, ObservationDocuments.observation(o));
    }
}
