package dev.tributary.sinks.redshift;

import static dev.tributary.sinks.redshift.SqlType.bigint;
import static dev.tributary.sinks.redshift.SqlType.doublePrecision;
import static dev.tributary.sinks.redshift.SqlType.timestamp;
import static dev.tributary.sinks.redshift.SqlType.varchar;

import dev.tributary.events.Alert;
import dev.tributary.events.AssetBroadcast;
import dev.tributary.events.AssetDelivery;
import dev.tributary.events.AssetStatus;
import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.events.ChangeOp;
import dev.tributary.events.Customer;
import dev.tributary.events.CustomerChange;
import dev.tributary.events.HoverboardReading;
import dev.tributary.events.Observation;
import dev.tributary.events.ObservationCount;
import dev.tributary.events.Trip;
import dev.tributary.operators.assets.Thumbnails;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every warehouse table of Tributary, in one place. The DDL in {@code warehouse/ddl/} ({@code V1__tables.sql} and
 * the scripts after it, see {@link WarehouseSchema}) must match these definitions (an integration test compares them with the database's catalog).
 *
 * <p>Why each table is versioned or immutable:
 * <ul>
 *   <li>{@link #READINGS}, {@link #ALERTS}, {@link #OBSERVATIONS}: facts that never change once they
 *       happened; the key (device+seq+event time, deterministic alert id, occurrence id) identifies the fact, so the
 *       first write wins and a replay is a no-op.</li>
 *   <li>{@link #OBSERVATION_COUNTS}: a count is emitted once, when its window closes (late records go to a
 *       side output, they never re-fire a window), so a replay carries the same count: immutable too.</li>
 *   <li>{@link #CUSTOMERS}, {@link #TRIPS}, {@link #CATALOG_ENTRIES}: entities that change; their records
 *       carry a monotonically increasing {@code version}, and a greater version replaces the stored row.</li>
 * </ul>
 */
public final class WarehouseTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WarehouseTables() {}

    public static final WarehouseTable<HoverboardReading> READINGS =
            WarehouseTable.builder("readings", HoverboardReading.class)
                    .column("device_id", varchar(128), HoverboardReading::getDeviceId)
                    .column("seq", bigint(), HoverboardReading::getSeq)
                    .column("event_time", timestamp(), HoverboardReading::getEventTime)
                    .column("battery_pct", doublePrecision(), HoverboardReading::getBatteryPct)
                    .column("temperature_c", doublePrecision(), HoverboardReading::getTemperatureC)
                    .column("speed_kmh", doublePrecision(), HoverboardReading::getSpeedKmh)
                    .nullableColumn("latitude", doublePrecision(), HoverboardReading::getLatitude)
                    .nullableColumn("longitude", doublePrecision(), HoverboardReading::getLongitude)
                    .nullableColumn("error_code", varchar(256), HoverboardReading::getErrorCode)
                    // not (device_id, seq): a rebooted device counts from 0 again (V2__readings_key.sql)
                    .key("device_id", "seq", "event_time")
                    .immutable()
                    .build();

    public static final WarehouseTable<Customer> CUSTOMERS =
            WarehouseTable.builder("customers", Customer.class)
                    .column("customer_id", varchar(128), Customer::getCustomerId)
                    .column("name", varchar(512), Customer::getName)
                    .nullableColumn("email", varchar(320), Customer::getEmail)
                    .nullableColumn("tier", varchar(64), Customer::getTier)
                    .column("version", bigint(), Customer::getVersion)
                    .column("updated_at", timestamp(), Customer::getUpdatedAt)
                    .key("customer_id")
                    .version("version")
                    .build();

    /**
     * The same {@code customers} table, written from an operational database's change events (change data capture):
     * an UPSERT writes the row, a DELETE removes it. The version is the change's log position, so a change Connect
     * sends again is a no-op, and a delete removes only a row older than itself. Not in {@link #ALL}: a second
     * writer of {@link #CUSTOMERS}, no table of its own. A deployment takes its customers from one source, this or
     * {@code telemetry.customer}: log positions and a producer's versions do not compare.
     */
    public static final WarehouseTable<CustomerChange> CUSTOMER_CHANGES =
            WarehouseTable.builder("customers", CustomerChange.class)
                    .column("customer_id", varchar(128), CustomerChange::getCustomerId)
                    .column("name", varchar(512), CustomerChange::getName)
                    .nullableColumn("email", varchar(320), CustomerChange::getEmail)
                    .nullableColumn("tier", varchar(64), CustomerChange::getTier)
                    .column("version", bigint(), CustomerChange::getPosition)
                    .column("updated_at", timestamp(), CustomerChange::getUpdatedAt)
                    .key("customer_id")
                    .version("version")
                    .deletedWhen(c -> c.getOp() == ChangeOp.DELETE)
                    .build();

    public static final WarehouseTable<Trip> TRIPS =
            WarehouseTable.builder("trips", Trip.class)
                    .column("trip_id", varchar(128), Trip::getTripId)
                    .column("hoverboard_id", varchar(128), Trip::getHoverboardId)
                    .column("customer_id", varchar(128), Trip::getCustomerId)
                    .column("started_at", timestamp(), Trip::getStartedAt)
                    .nullableColumn("ended_at", timestamp(), Trip::getEndedAt)
                    .nullableColumn("distance_km", doublePrecision(), Trip::getDistanceKm)
                    .column("version", bigint(), Trip::getVersion)
                    .nullableColumn("customer_name", varchar(512), Trip::getCustomerName)
                    .nullableColumn("customer_tier", varchar(64), Trip::getCustomerTier)
                    .nullableColumn("last_battery_pct", doublePrecision(), Trip::getLastBatteryPct)
                    .nullableColumn("last_reading_seq", bigint(), Trip::getLastReadingSeq)
                    .key("trip_id")
                    .version("version")
                    .build();

    public static final WarehouseTable<Alert> ALERTS =
            WarehouseTable.builder("alerts", Alert.class)
                    .column("alert_id", varchar(256), Alert::getAlertId)
                    .column("device_id", varchar(128), Alert::getDeviceId)
                    .column("kind", varchar(64), Alert::getKind)
                    .column("severity", varchar(16), Alert::getSeverity)
                    .column("message", varchar(4096), Alert::getMessage)
                    .column("event_time", timestamp(), Alert::getEventTime)
                    .nullableColumn("reading_seq", bigint(), Alert::getReadingSeq)
                    .key("alert_id")
                    .immutable()
                    .build();

    public static final WarehouseTable<ObservationCount> OBSERVATION_COUNTS =
            WarehouseTable.builder("observation_counts", ObservationCount.class)
                    .column("window_id", varchar(128), ObservationCount::getWindowId)
                    .column("window_start", timestamp(), ObservationCount::getWindowStart)
                    .column("window_end", timestamp(), ObservationCount::getWindowEnd)
                    .column("dimension", varchar(32), ObservationCount::getDimension)
                    // "value" and "count" are SQL keywords; prefixed names need no quoting in either engine
                    .column("dimension_value", varchar(512), ObservationCount::getValue)
                    .column("observation_count", bigint(), ObservationCount::getCount)
                    .key("window_id", "dimension", "dimension_value")
                    .immutable()
                    .build();

    public static final WarehouseTable<Observation> OBSERVATIONS =
            WarehouseTable.builder("observations", Observation.class)
                    .column("occurrence_id", varchar(256), Observation::getOccurrenceId)
                    .column("source", varchar(32), Observation::getSource)
                    .column("kingdom", varchar(128), Observation::getKingdom)
                    .column("scientific_name", varchar(512), Observation::getScientificName)
                    .nullableColumn("species", varchar(512), Observation::getSpecies)
                    .column("event_time", timestamp(), Observation::getEventTime)
                    .nullableColumn("latitude", doublePrecision(), Observation::getLatitude)
                    .nullableColumn("longitude", doublePrecision(), Observation::getLongitude)
                    .nullableColumn("country_code", varchar(8), Observation::getCountryCode)
                    .nullableColumn("basis_of_record", varchar(64), Observation::getBasisOfRecord)
                    .key("occurrence_id")
                    .immutable()
                    .build();

    public static final WarehouseTable<CatalogEntry> CATALOG_ENTRIES =
            WarehouseTable.builder("catalog_entries", CatalogEntry.class)
                    .column("object_key", varchar(1024), CatalogEntry::getObjectKey)
                    .column("container", varchar(256), CatalogEntry::getContainer)
                    .nullableColumn("content_type", varchar(256), CatalogEntry::getContentType)
                    .column("owner", varchar(256), CatalogEntry::getOwner)
                    .nullableColumn("original_name", varchar(1024), CatalogEntry::getOriginalName)
                    .nullableColumn("size_bytes", bigint(), CatalogEntry::getSizeBytes)
                    .nullableColumn("sha256", varchar(64), CatalogEntry::getSha256)
                    .column("created_at", timestamp(), CatalogEntry::getCreatedAt)
                    .column("modified_at", timestamp(), CatalogEntry::getModifiedAt)
                    .column("version", bigint(), CatalogEntry::getVersion)
                    // no arrays or maps in Redshift-compatible DDL: nested values are JSON text
                    .column("operations_json", varchar(SqlType.MAX_VARCHAR), WarehouseTables::operationsJson)
                    .column("attributes_json", varchar(SqlType.MAX_VARCHAR), WarehouseTables::attributesJson)
                    .key("object_key")
                    .version("version")
                    .build();

    /**
     * The edge's catalog (edge flow): one row per asset HQ broadcast, with the edge's request status. The version
     * column is the status rank (AVAILABLE 0 &lt; REQUESTING 1 &lt; REQUESTED 2 &lt; DELIVERED 3, see
     * {@link EdgeAssetStatus}): the flow only ever writes AVAILABLE, so a replayed or repeated broadcast never
     * regresses a row that bin/edge has moved on; the other statuses are set by SQL (bin/edge request, the
     * request publisher, bin/edge sync), each guarded by the rank too.
     */
    public static final WarehouseTable<AssetBroadcast> EDGE_ASSETS =
            WarehouseTable.builder("edge_assets", AssetBroadcast.class)
                    .column("asset_id", varchar(256), AssetBroadcast::getAssetId)
                    .column("title", varchar(1024), AssetBroadcast::getTitle)
                    .column("media_type", varchar(256), AssetBroadcast::getContentType)
                    .column("size_bytes", bigint(), AssetBroadcast::getSizeBytes)
                    .column("object_key", varchar(1024), AssetBroadcast::getObjectKey)
                    .column("sha256", varchar(64), AssetBroadcast::getSha256)
                    .column("status", varchar(16), b -> EdgeAssetStatus.AVAILABLE.name())
                    .column("status_rank", bigint(), b -> (long) EdgeAssetStatus.AVAILABLE.rank())
                    .column("updated_at", timestamp(), AssetBroadcast::getStoredAt)
                    .nullableColumn("thumbnail", varchar(65535),
                            b -> b.getThumbnail() == null ? null : Thumbnails.dataUri(b.getThumbnail()))
                    .key("asset_id")
                    .version("status_rank")
                    .build();

    /**
     * HQ's answers to the edge's requests that bring no file (FAILED, EXPIRED; the edge flow filters them), written
     * into the edge's existing {@code edge_assets} rows: the status says how the request ended, at the rank of the
     * attempt the answer's request id names ({@link EdgeRequestId}), so an answer to an older attempt never touches
     * a newer request, and a replay changes nothing. Not in {@link #ALL}: a view of {@link #EDGE_ASSETS}, no table
     * of its own.
     */
    public static final WarehouseTable<AssetDelivery> EDGE_ANSWERS =
            WarehouseTable.builder("edge_assets", AssetDelivery.class)
                    .column("asset_id", varchar(256), AssetDelivery::getAssetId)
                    .column("status", varchar(16), d -> answerStatus(d).name())
                    .column("status_rank", bigint(),
                            d -> answerStatus(d).rankIn(EdgeRequestId.attemptOf(d.getRequestId())))
                    .column("updated_at", timestamp(), AssetDelivery::getAt)
                    .key("asset_id")
                    .version("status_rank")
                    .updatesOnly()
                    .build();

    /**
     * Every transition of an asset's lifecycle (the assets flow's {@code assets.status}), a fact each. The id names
     * what the transition is about, never when it was seen: the asset, the state, and the request it answers (a
     * request's states) or the asset version (a download's states). A replay after a failure sees the transitions
     * again at other wall-clock times, in another interleaving of announcements and requests, and still writes
     * nothing twice. An asset's current state is its latest row (the query API's {@code /assets}). Created by
     * {@code V3__asset_status.sql}.
     */
    public static final WarehouseTable<AssetStatus> ASSET_STATUS =
            WarehouseTable.builder("asset_status", AssetStatus.class)
                    .column("status_id", varchar(1024), WarehouseTables::statusId)
                    .column("asset_id", varchar(256), AssetStatus::getAssetId)
                    .column("state", varchar(16), s -> s.getState().name())
                    .column("at", timestamp(), AssetStatus::getAt)
                    .nullableColumn("request_id", varchar(256), AssetStatus::getRequestId)
                    .nullableColumn("edge_id", varchar(64), AssetStatus::getEdgeId)
                    .nullableColumn("reason", varchar(2048), s -> cut(s.getReason(), 2048))
                    .nullableColumn("object_key", varchar(1024), AssetStatus::getObjectKey)
                    .nullableColumn("size_bytes", bigint(), AssetStatus::getSizeBytes)
                    .nullableColumn("content_type", varchar(256), AssetStatus::getContentType)
                    .key("status_id")
                    .immutable()
                    .build();

    /** All tables, in the order of the DDL files. */
    public static final List<WarehouseTable<?>> ALL = List.of(
            READINGS, CUSTOMERS, TRIPS, ALERTS, OBSERVATION_COUNTS, OBSERVATIONS, CATALOG_ENTRIES, EDGE_ASSETS,
            ASSET_STATUS);

    /** {@code <assetId>/<state>/r/<requestId>} for a request's states, {@code <assetId>/<state>/v<version>} for a download's. */
    static String statusId(AssetStatus s) {
        String id = s.getAssetId() + "/" + s.getState().name();
        return s.getRequestId() != null ? id + "/r/" + s.getRequestId() : id + "/v" + s.getVersion();
    }

    /** A reason longer than its column is cut, not refused: the rest is on assets.status. */
    private static String cut(String text, int maxBytes) {
        if (text == null || text.length() * 3 <= maxBytes) {
            return text;
        }
        byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (utf8.length <= maxBytes) {
            return text;
        }
        String cut = new String(utf8, 0, maxBytes - 3, java.nio.charset.StandardCharsets.UTF_8);
        // a multi-byte character split at the cut decodes as U+FFFD: drop it
        return (cut.endsWith("\uFFFD") ? cut.substring(0, cut.length() - 1) : cut) + "…";
    }

    /** The edge status of an answer: the HQ state of the same name (FAILED, EXPIRED, DELIVERED). */
    static EdgeAssetStatus answerStatus(AssetDelivery delivery) {
        return EdgeAssetStatus.valueOf(delivery.getState().name());
    }

    static String operationsJson(CatalogEntry entry) {
        List<Map<String, Object>> operations = new ArrayList<>();
        for (CatalogOperation op : entry.getOperations()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", op.getName());
            o.put("at", op.getAt().toString());
            o.put("job", op.getJob());
            o.put("operator", op.getOperator());
            o.put("succeeded", op.getSucceeded());
            o.put("reason", op.getReason());
            operations.add(o);
        }
        return toJson(operations);
    }

    static String attributesJson(CatalogEntry entry) {
        // sorted, so equal maps always render to equal text
        return toJson(new TreeMap<>(entry.getAttributes()));
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render catalog entry JSON", e);
        }
    }
}
