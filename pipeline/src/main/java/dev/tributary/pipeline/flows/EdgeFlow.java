package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetState;
import dev.tributary.events.DeadLetter;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.redshift.EdgeRequestId;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.redshift.WarehouseTables;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.List;

/**
 * The edge flow: the same jar, run by a field team against its own Kafka and PostgreSQL ({@code flows=edge}).
 * HQ's broadcast, replicated to the edge by MirrorMaker 2, becomes one {@code edge_assets} row per asset with
 * status AVAILABLE; the warehouse MERGE is guarded by the status rank, so a replayed broadcast never undoes a
 * request (REQUESTING/REQUESTED) or a delivery (DELIVERED), which the edge's tools write (bin/edge).
 * HQ's answers to this edge's requests that bring no file (FAILED, EXPIRED), replicated the same way, move the
 * requested row to FAILED/EXPIRED, so it does not stay REQUESTED forever and can be requested again. A DELIVERED
 * answer changes nothing here: the row becomes DELIVERED when bin/edge sync has the verified file locally.
 */
public final class EdgeFlow implements FlowGraph {

    public static final String FLOW = "edge";

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        DataStream<AssetBroadcast> broadcasts = context.inputs().records(EventType.ASSET_BROADCAST);
        // keyed by asset id: the warehouse MERGE is per asset, and one writer per key keeps a batch free of races
        context.toWarehouse(broadcasts.keyBy(AssetBroadcast::getAssetId, Types.STRING),
                FLOW, FLOW + "-catalog-warehouse-sink", "Warehouse edge_assets",
                List.<WarehouseTable<? extends AssetBroadcast>>of(WarehouseTables.EDGE_ASSETS));

        DataStream<AssetDelivery> unfulfilled = context.inputs().records(EventType.ASSET_DELIVERY)
                .filter(new UnfulfilledAnswersTo(context.settings().get(JobSettings.EDGE_ID)))
                .uid(FLOW + "-unfulfilled-answers").name("Unfulfilled answers to this edge");
        context.toWarehouse(unfulfilled.keyBy(AssetDelivery::getAssetId, Types.STRING),
                FLOW, FLOW + "-answers-warehouse-sink", "Warehouse edge_assets answers",
                List.<WarehouseTable<? extends AssetDelivery>>of(WarehouseTables.EDGE_ANSWERS));
        return List.of();
    }

    /**
     * HQ answers every edge (and every other requester) on one topic: keeps the FAILED and EXPIRED answers to requests
     * this edge's request publisher sent (request ids {@code <edgeId>/<assetId>[#attempt]}).
     */
    record UnfulfilledAnswersTo(String edgeId) implements FilterFunction<AssetDelivery> {
        @Override
        public boolean filter(AssetDelivery answer) {
            return answer.getEdgeId().equals(edgeId)
                    && EdgeRequestId.isOwnRequest(answer.getRequestId(), edgeId, answer.getAssetId())
                    && (answer.getState() == AssetState.FAILED || answer.getState() == AssetState.EXPIRED);
        }
    }
}
