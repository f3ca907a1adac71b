package dev.tributary.pipeline.flows;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetRequest;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.DeadLetter;
import dev.tributary.events.DownloadOutcome;
import dev.tributary.events.EdgeCopyResult;
import dev.tributary.operators.assets.AnnouncementGate;
import dev.tributary.operators.assets.AssetLifecycle;
import dev.tributary.operators.assets.CatalogEntries;
import dev.tributary.operators.lake.CatalogMerge;
import dev.tributary.operators.assets.UrlGuard;
import dev.tributary.operators.codec.AvroEventSerializer;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.assets.DownloadFunction;
import dev.tributary.sinks.assets.DownloadLimits;
import dev.tributary.sinks.assets.EdgeCopyFunction;
import dev.tributary.sinks.objectstore.ObjectStoreConfig;
import dev.tributary.sinks.redshift.WarehouseTable;
import dev.tributary.sinks.redshift.WarehouseTables;
import dev.tributary.sinks.search.CatalogDocuments;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.AsyncRetryStrategy;
import org.apache.flink.streaming.util.retryable.AsyncRetryStrategies;

import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The assets flow: HQ announces assets; each is downloaded (async, retried, size/type limited, SSRF-guarded) into
 * object storage under its content hash, broadcast to every edge, and copied into an edge's outbox when the edge
 * asks for it. Every transition is an {@link AssetStatus} on the status topic; every object written gets a
 * catalog entry. Kafka outputs are exactly-once; blobs are content-addressed, so replays rewrite the same objects.
 */
public final class AssetsFlow implements FlowGraph {

    public static final String FLOW = "assets";
    private static final Duration COPY_TIMEOUT = Duration.ofMinutes(2);

    @Override
    public List<DataStream<DeadLetter>> build(FlowContext context) {
        JobSettings settings = context.settings();
        ObjectStoreConfig store = objectStore(settings);
        DataStream<AssetAnnounced> announced = context.inputs().records(EventType.ASSET_ANNOUNCED);
        DataStream<AssetRequest> requested = context.inputs().records(EventType.ASSET_REQUEST);

        SingleOutputStreamOperator<AssetAnnounced> toDownload = announced
                .keyBy(AssetAnnounced::getAssetId, Types.STRING)
                .process(new AnnouncementGate()).returns(AvroTypes.of(AssetAnnounced.class))
                .uid(FLOW + "-announcement-gate").name("Drop repeated announcements");
        DataStream<DownloadOutcome> markers = toDownload.getSideOutput(AnnouncementGate.ANNOUNCED);

        SingleOutputStreamOperator<DownloadOutcome> downloads = AsyncDataStream.unorderedWaitWithRetry(toDownload,
                        new DownloadFunction(store, limits(settings), guard(settings), settings.get(JobSettings.ASSETS_DOWNLOAD_THREADS),
                                settings.get(JobSettings.ASSETS_CONCURRENCY)),
                        downloadTimeout(settings).toMillis(), TimeUnit.MILLISECONDS,
                        settings.get(JobSettings.ASSETS_CONCURRENCY), retry(settings))
                .returns(AvroTypes.of(DownloadOutcome.class))
                .uid(FLOW + "-download").name("Download assets to object storage");

        SingleOutputStreamOperator<AssetStatus> lifecycle = markers.union(downloads)
                .keyBy(o -> o.getAnnouncement().getAssetId(), Types.STRING)
                .connect(requested.keyBy(AssetRequest::getAssetId, Types.STRING))
                .process(new AssetLifecycle(settings.get(JobSettings.ASSETS_REQUEST_TTL), Duration.ofDays(7)))
                .returns(AvroTypes.of(AssetStatus.class))
                .uid(FLOW + "-lifecycle").name("Asset lifecycle");
        DataStream<AssetBroadcast> broadcasts = lifecycle.getSideOutput(AssetLifecycle.BROADCASTS);

        SingleOutputStreamOperator<EdgeCopyResult> copies = AsyncDataStream.unorderedWait(
                        lifecycle.getSideOutput(AssetLifecycle.COPIES), new EdgeCopyFunction(store),
                        COPY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS, settings.get(JobSettings.ASSETS_CONCURRENCY))
                .returns(AvroTypes.of(EdgeCopyResult.class))
                .uid(FLOW + "-edge-copy").name("Copy assets to edge outboxes");
        DataStream<AssetDelivery> deliveries = copies
                .map(EdgeCopyResult::getDelivery).returns(AvroTypes.of(AssetDelivery.class))
                .uid(FLOW + "-copy-answers").name("Answers of edge copies")
                .union(lifecycle.getSideOutput(AssetLifecycle.ANSWERS));

        DataStream<AssetStatus> statuses = markers
                .map(DownloadOutcome::getStatus).returns(AvroTypes.of(AssetStatus.class))
                .uid(FLOW + "-announced-status").name("ANNOUNCED status")
                .union(lifecycle, deliveries.map(AssetsFlow::deliveryStatus).returns(AvroTypes.of(AssetStatus.class))
                        .uid(FLOW + "-delivery-status").name("Delivery status"));

        String statusTopic = settings.get(JobSettings.TOPIC_ASSETS_STATUS);
        statuses.sinkTo(context.sinks().kafka("assets-status", statusTopic, s -> key(s.getAssetId()),
                        new AvroEventSerializer<>(AssetStatus.class)))
                .uid(FLOW + "-status-sink").name("Kafka " + statusTopic);
        String broadcastTopic = settings.get(JobSettings.TOPIC_ASSETS_BROADCAST);
        broadcasts.sinkTo(context.sinks().kafka("assets-broadcast", broadcastTopic, b -> key(b.getAssetId()),
                        new AvroEventSerializer<>(AssetBroadcast.class)))
                .uid(FLOW + "-broadcast-sink").name("Kafka " + broadcastTopic);
        String deliveredTopic = settings.get(JobSettings.TOPIC_ASSETS_DELIVERED);
        deliveries.sinkTo(context.sinks().kafka("assets-delivered", deliveredTopic, d -> key(d.getAssetId()),
                        new AvroEventSerializer<>(AssetDelivery.class)))
                .uid(FLOW + "-delivered-sink").name("Kafka " + deliveredTopic);

        if (settings.get(JobSettings.ASSETS_CATALOG)) {
            catalog(context, store, broadcasts, copies);
            // every transition, a fact each: the query API's /assets (assets by state) and the HQ console read it
            context.toWarehouse(statuses.keyBy(AssetStatus::getAssetId, Types.STRING), FLOW, FLOW + "-status-warehouse-sink",
                    "Warehouse asset_status", List.<WarehouseTable<? extends AssetStatus>>of(WarehouseTables.ASSET_STATUS));
        }
        return List.of();
    }

    private static void catalog(FlowContext context, ObjectStoreConfig store, DataStream<AssetBroadcast> broadcasts,
            DataStream<EdgeCopyResult> copies) {
        String container = container(store);
        String storeUid = FLOW + "-download";
        String copyUid = FLOW + "-edge-copy";
        DataStream<CatalogEntry> entries = broadcasts
                .map(b -> CatalogEntries.stored(b, container, storeUid)).returns(AvroTypes.of(CatalogEntry.class))
                .uid(FLOW + "-catalog-stored").name("Catalog entry of stored asset")
                .union(copies.map(c -> CatalogEntries.copied(c, container, copyUid)).returns(AvroTypes.of(CatalogEntry.class))
                        .uid(FLOW + "-catalog-copied").name("Catalog entry of edge copy"));
        // keyed by object key: the warehouse MERGE and the search versions are per object
        // the metadata zone's keyed catalog (shared with the lake flow): operations on an object accumulate
        DataStream<CatalogEntry> byObject = entries.keyBy(CatalogEntry::getObjectKey, Types.STRING)
                .process(new CatalogMerge(), AvroTypes.of(CatalogEntry.class))
                .uid(FLOW + "-catalog-merge").name("Merge catalog entry per object")
                .keyBy(CatalogEntry::getObjectKey, Types.STRING);
        context.toSearch(byObject, FLOW, FLOW + "-catalog-search-sink", "Search index catalog", CatalogDocuments::toAction, "catalog");
        context.toWarehouse(byObject, FLOW, FLOW + "-catalog-warehouse-sink", "Warehouse catalog_entries",
                List.<WarehouseTable<? extends CatalogEntry>>of(WarehouseTables.CATALOG_ENTRIES));
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }

    private static AssetStatus deliveryStatus(AssetDelivery d) {
        return AssetStatus.newBuilder().setAssetId(d.getAssetId()).setState(d.getState()).setAt(d.getAt())
                .setReason(d.getReason()).setObjectKey(d.getObjectKey()).setSha256(d.getSha256())
                .setSizeBytes(d.getSizeBytes()).setRequestId(d.getRequestId()).setEdgeId(d.getEdgeId()).build();
    }

    /** The object store the flow writes blobs to, from the {@code objectstore.*} settings. */
    public static ObjectStoreConfig objectStore(JobSettings settings) {
        URI location = URI.create(settings.get(JobSettings.OBJECTSTORE_URL));
        return new ObjectStoreConfig(location, settings.get(JobSettings.OBJECTSTORE_ENDPOINT),
                settings.get(JobSettings.OBJECTSTORE_REGION), settings.get(JobSettings.OBJECTSTORE_PATH_STYLE),
                settings.get(JobSettings.OBJECTSTORE_ACCESS_KEY), settings.get(JobSettings.OBJECTSTORE_SECRET_KEY));
    }

    private static String container(ObjectStoreConfig store) {
        return store.isLocal() ? store.location().getPath() : store.location().getHost();
    }

    static DownloadLimits limits(JobSettings settings) {
        return new DownloadLimits(settings.get(JobSettings.ASSETS_MAX_SIZE),
                new HashSet<>(settings.get(JobSettings.ASSETS_MEDIA_TYPES)), settings.get(JobSettings.ASSETS_MAX_REDIRECTS),
                settings.get(JobSettings.ASSETS_CONNECT_TIMEOUT), settings.get(JobSettings.ASSETS_DOWNLOAD_TIMEOUT));
    }

    static UrlGuard guard(JobSettings settings) {
        return UrlGuard.withSystemResolver(settings.get(JobSettings.ASSETS_ALLOWED_HOSTS),
                settings.get(JobSettings.ASSETS_ALLOW_PRIVATE));
    }

    /** Exponential backoff on retryable outcomes (5xx, 429, timeouts, network errors); never on 4xx or refusals. */
    static AsyncRetryStrategy<DownloadOutcome> retry(JobSettings settings) {
        Predicate<Collection<DownloadOutcome>> retryable =
                (Predicate<Collection<DownloadOutcome>> & Serializable) DownloadFunction::retryable;
        return new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<DownloadOutcome>(
                settings.get(JobSettings.ASSETS_RETRY_ATTEMPTS) - 1,
                settings.get(JobSettings.ASSETS_RETRY_INITIAL_DELAY).toMillis(),
                settings.get(JobSettings.ASSETS_RETRY_MAX_DELAY).toMillis(), 2.0)
                .ifResult(retryable).build();
    }

    /** The async operator's own timeout covers every attempt and the delays between them. */
    static Duration downloadTimeout(JobSettings settings) {
        int attempts = settings.get(JobSettings.ASSETS_RETRY_ATTEMPTS);
        return settings.get(JobSettings.ASSETS_DOWNLOAD_TIMEOUT).multipliedBy(attempts)
                .plus(settings.get(JobSettings.ASSETS_RETRY_MAX_DELAY).multipliedBy(attempts))
                .plusSeconds(10);
    }
}
