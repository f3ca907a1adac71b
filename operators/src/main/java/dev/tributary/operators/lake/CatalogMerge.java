package dev.tributary.operators.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.operators.codec.AvroTypes;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata zone's keyed catalog: one {@link CatalogEntry} per stored object (key: object key), into which
 * every update about that object is merged, so successful and failed operations accumulate. Any flow that
 * stores objects (the lake's landing directory, the assets flow's blobs) feeds its updates here; each merge
 * that changes the entry emits it, with {@code version} = number of operations, which the search index and
 * the warehouse use as their version guard.
 *
 * <p>Merging is idempotent: an operation already recorded (same name, time, job, operator and outcome) is not
 * added again, so an upstream replay after a failure changes nothing and emits nothing.
 */
public final class CatalogMerge extends KeyedProcessFunction<String, CatalogEntry, CatalogEntry> {

    private static final long serialVersionUID = 1L;

    private transient ValueState<CatalogEntry> entry;
    private transient Counter merged;
    private transient Counter unchanged;

    @Override
    public void open(OpenContext openContext) {
        entry = getRuntimeContext().getState(new ValueStateDescriptor<>("catalog-entry", AvroTypes.of(CatalogEntry.class)));
        merged = getRuntimeContext().getMetricGroup().counter("catalogUpdatesMerged");
        unchanged = getRuntimeContext().getMetricGroup().counter("catalogUpdatesUnchanged");
    }

    @Override
    public void processElement(CatalogEntry update, Context ctx, Collector<CatalogEntry> out) throws Exception {
        CatalogEntry current = entry.value();
        CatalogEntry next = merge(current, update);
        if (next.equals(current)) {
            unchanged.inc();
            return;
        }
        entry.update(next);
        merged.inc();
        out.collect(next);
    }

    /**
     * The entry after {@code update}: identity and content fields from the update where it has them (an object
     * key names one content, so they only fill gaps), created = earliest, modified = latest, operations
     * appended in time order without duplicates, attributes overlaid, version = number of operations.
     */
    public static CatalogEntry merge(CatalogEntry current, CatalogEntry update) {
        if (current == null) {
            CatalogEntry first = CatalogEntry.newBuilder(update).setOperations(dedupe(List.of(), update.getOperations()))
                    .setAttributes(new HashMap<>(update.getAttributes())).build();
            first.setVersion((long) first.getOperations().size());
            return first;
        }
        CatalogEntry.Builder b = CatalogEntry.newBuilder(current);
        b.setContentType(firstNonNull(update.getContentType(), current.getContentType()));
        b.setOriginalName(firstNonNull(current.getOriginalName(), update.getOriginalName()));
        b.setSizeBytes(firstNonNull(update.getSizeBytes(), current.getSizeBytes()));
        b.setSha256(firstNonNull(update.getSha256(), current.getSha256()));
        b.setCreatedAt(min(current.getCreatedAt(), update.getCreatedAt()));
        b.setModifiedAt(max(current.getModifiedAt(), update.getModifiedAt()));
        List<CatalogOperation> operations = dedupe(current.getOperations(), update.getOperations());
        b.setOperations(operations);
        Map<String, String> attributes = new HashMap<>(current.getAttributes());
        attributes.putAll(update.getAttributes());
        b.setAttributes(attributes);
        b.setVersion((long) operations.size());
        return b.build();
    }

    private static List<CatalogOperation> dedupe(List<CatalogOperation> existing, List<CatalogOperation> added) {
        List<CatalogOperation> all = new ArrayList<>(existing);
        for (CatalogOperation op : added) {
            if (!all.contains(op)) {
                all.add(op);
            }
        }
        all.sort((a, b) -> a.getAt().compareTo(b.getAt()));
        return all;
    }

    private static <T> T firstNonNull(T a, T b) {
        return a != null ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
