package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.DeadLetter;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.redshift.WarehouseTables;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.List;

/**
 * The edge flow: the same jar, run by a field team against its own Kafka and PostgreSQL ({@code flows=edge}).
 * HQ's broadcast, replicated to the edge by MirrorMaker 2, becomes one {@code edge_assets} row per asset with
 * status AVAILABLE; the warehouse MERGE is guarded by the status rank, so a replayed broadcast never undoes a
 * request (REQUESTING/REQUESTED) or a delivery (DELIVERED), which the edge's tools write (bin/edge).
 */
public final class EdgeFlow implements FlowGraph {

    public static final String FLOW = "edge";

    @Override
    public DataStream<DeadLetter> build(FlowContext context) {
        Decoding.Decoded<AssetBroadcast> broadcasts = Decoding.read(context, FLOW, EventType.ASSET_BROADCAST);
        // keyed by asset id: the warehouse MERGE is per asset, and one writer per key keeps a batch free of races
        broadcasts.records().keyBy(AssetBroadcast::getAssetId, Types.STRING)
                .sinkTo(context.sinks().warehouse(FLOW, FLOW + "-catalog-warehouse-sink",
                        List.<WarehouseTable<? extends AssetBroadcast>>of(WarehouseTables.EDGE_ASSETS)))
                .uid(FLOW + "-catalog-warehouse-sink").name("Warehouse edge_assets");
        return broadcasts.deadLetters();
    }
}
