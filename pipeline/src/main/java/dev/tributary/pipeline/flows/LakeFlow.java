package dev.tributary.pipeline.flows;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.Observation;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.lake.CatalogMerge;
import dev.tributary.pipeline.config.Flow;
import dev.tributary.pipeline.config.InvalidSettingsException;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.lake.LandingEnumerator;
import dev.tributary.pipeline.lake.LandingFormat;
import dev.tributary.pipeline.lake.ObservationFileParser;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.redshift.WarehouseTables;
import dev.tributary.sinks.search.CatalogDocuments;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The lake flow: the landing location is watched, every file dropped there is copied into the raw zone under
 * its content address and catalogued; observation files (CSV, JSON lines) are parsed and published to the
 * observations topic; the catalog (one entry per object, operations accumulating in keyed state) goes to the
 * search index, the warehouse and Kafka. The raw zone's event files are written by the integration flow from
 * its validated records (see {@link IntegrationFlow}), so {@code flows} must include integration too.
 */
public final class LakeFlow implements FlowGraph {

    public static final String FLOW = "lake";

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        JobSettings settings = context.settings();
        if (!settings.get(JobSettings.FLOWS).contains(Flow.INTEGRATION)) {
            throw new InvalidSettingsException(List.of("flow 'lake' writes the raw zone from the integration flow's"
                    + " validated records: set flows=integration,lake (plus any others)"));
        }
        URI rawZone = settings.get(JobSettings.LAKE_RAW_ZONE);
        String job = settings.get(JobSettings.JOB_NAME);

        FileSource<CatalogEntry> landing = FileSource
                .forBulkFileFormat(new LandingFormat(rawZone, job, FLOW + "-landing-source"),
                        new Path(settings.get(JobSettings.LAKE_LANDING)))
                .setFileEnumerator(LandingEnumerator.provider())
                .monitorContinuously(settings.get(JobSettings.LAKE_LANDING_SCAN_INTERVAL))
                .build();
        DataStream<CatalogEntry> stored = context.env()
                .fromSource(landing, WatermarkStrategy.noWatermarks(), "landing")
                .uid(FLOW + "-landing-source").name("Landing " + settings.get(JobSettings.LAKE_LANDING) + " → raw zone objects");

        SingleOutputStreamOperator<Observation> observations = stored
                .process(new ObservationFileParser(rawZone, job, FLOW + "-parse-observations"))
                .returns(AvroTypes.of(Observation.class))
                .uid(FLOW + "-parse-observations").name("Parse landed observations (CSV, JSON lines)");
        String observationTopic = settings.get(JobSettings.TOPICS_OBSERVATIONS).get(0);
        observations
                .sinkTo(context.sinks().kafka("lake-observations", observationTopic,
                        o -> o.getOccurrenceId().getBytes(StandardCharsets.UTF_8), new AvroEventSerializer<>(Observation.class)))
                .uid(FLOW + "-observations-sink").name("Kafka " + observationTopic);

        DataStream<CatalogEntry> catalog = stored.union(observations.getSideOutput(ObservationFileParser.CATALOG))
                .keyBy(CatalogEntry::getObjectKey)
                .process(new CatalogMerge())
                .returns(AvroTypes.of(CatalogEntry.class))
                .uid(FLOW + "-catalog").name("Catalog: merge per object key");

        String topic = settings.get(JobSettings.TOPIC_CATALOG);
        catalog.sinkTo(context.sinks().kafka("catalog", topic,
                        e -> e.getObjectKey().getBytes(StandardCharsets.UTF_8), new AvroEventSerializer<>(CatalogEntry.class)))
                .uid(FLOW + "-catalog-kafka-sink").name("Kafka " + topic);
        String index = settings.get(JobSettings.LAKE_CATALOG_INDEX);
        context.toSearch(catalog, FLOW, FLOW + "-catalog-search-sink", "Search " + index,
                e -> CatalogDocuments.toAction(index, e), "catalog");
        List<WarehouseTable<? extends CatalogEntry>> tables = List.of(WarehouseTables.CATALOG_ENTRIES);
        context.toWarehouse(catalog.keyBy(CatalogEntry::getObjectKey),
                FLOW, FLOW + "-catalog-warehouse-sink", "Warehouse catalog_entries", tables);

        // an unparsable observation file: one dead letter (its first bad line), besides its failed PARSE operation
        return List.of(observations.getSideOutput(ObservationFileParser.DEAD_LETTERS));
    }
}
