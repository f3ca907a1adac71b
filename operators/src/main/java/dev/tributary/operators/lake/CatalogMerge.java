package dev.tributary.operators.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;
import dev.tributary.operators.codec.AvroTypes;
import dev.tributary.operators.codec.DeadLetters;

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
 *
 * <p><b>Bounded.</b> The same content can be landed under thousands of names, and each landing is an operation on
 * one object: an entry listing them all would outgrow its warehouse column and its Kafka record. So an entry
 * lists the latest {@value #MAX_OPERATIONS} operations, and counts every operation per name in
 * {@code operationCounts}; {@code version} counts them all. An operation older than every listed one, once the
 * list is full, cannot be told from one already counted and is taken as a replay (ignored). Reasons are cut to
 * {@value DeadLetters#MAX_REASON_CHARS} characters.
 */
public final class CatalogMerge extends KeyedProcessFunction<String, CatalogEntry, CatalogEntry> {

    private static final long serialVersionUID = 1L;

    /** Operations an entry lists. */
    public static final int MAX_OPERATIONS = 100;

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
            List<CatalogOperation> fresh = newOperations(List.of(), update.getOperations());
            CatalogEntry first = CatalogEntry.newBuilder(update).setOperations(latest(fresh))
                    .setOperationCounts(counted(Map.of(), fresh))
                    .setAttributes(new HashMap<>(update.getAttributes())).build();
            first.setVersion((long) fresh.size());
            return first;
        }
        CatalogEntry.Builder b = CatalogEntry.newBuilder(current);
        b.setContentType(firstNonNull(update.getContentType(), current.getContentType()));
        b.setOriginalName(firstNonNull(current.getOriginalName(), update.getOriginalName()));
        b.setSizeBytes(firstNonNull(update.getSizeBytes(), current.getSizeBytes()));
        b.setSha256(firstNonNull(update.getSha256(), current.getSha256()));
        b.setCreatedAt(min(current.getCreatedAt(), update.getCreatedAt()));
        b.setModifiedAt(max(current.getModifiedAt(), update.getModifiedAt()));
        List<CatalogOperation> fresh = newOperations(current.getOperations(), update.getOperations());
        List<CatalogOperation> all = new ArrayList<>(current.getOperations());
        all.addAll(fresh);
        b.setOperations(latest(all));
        // entries of 0.1.0 have no counts: their listed operations were all of them
        Map<String, Long> counts = current.getOperationCounts().isEmpty()
                ? counted(Map.of(), current.getOperations()) : current.getOperationCounts();
        b.setOperationCounts(counted(counts, fresh));
        Map<String, String> attributes = new HashMap<>(current.getAttributes());
        attributes.putAll(update.getAttributes());
        b.setAttributes(attributes);
        b.setVersion(current.getVersion() + fresh.size());
        return b.build();
    }

    /** The update's operations not recorded yet (nor older than a full list), reasons cut. */
    private static List<CatalogOperation> newOperations(List<CatalogOperation> listed, List<CatalogOperation> added) {
        Instant oldestListed = listed.size() >= MAX_OPERATIONS ? listed.get(0).getAt() : null;
        List<CatalogOperation> fresh = new ArrayList<>();
        for (CatalogOperation op : added) {
            CatalogOperation bounded = op.getReason() == null || op.getReason().length() <= DeadLetters.MAX_REASON_CHARS ? op
                    : CatalogOperation.newBuilder(op).setReason(DeadLetters.cut(op.getReason())).build();
            boolean replay = listed.contains(bounded) || fresh.contains(bounded)
                    || (oldestListed != null && bounded.getAt().isBefore(oldestListed));
            if (!replay) {
                fresh.add(bounded);
            }
        }
        return fresh;
    }

    /** The latest {@link #MAX_OPERATIONS} of these, in time order. */
    private static List<CatalogOperation> latest(List<CatalogOperation> operations) {
        List<CatalogOperation> sorted = new ArrayList<>(operations);
        sorted.sort((a, b) -> a.getAt().compareTo(b.getAt()));
        return sorted.size() <= MAX_OPERATIONS ? sorted
                : new ArrayList<>(sorted.subList(sorted.size() - MAX_OPERATIONS, sorted.size()));
    }

    private static Map<String, Long> counted(Map<String, Long> counts, List<CatalogOperation> operations) {
        Map<String, Long> out = new HashMap<>(counts);
        operations.forEach(op -> out.merge(op.getName(), 1L, Long::sum));
        return out;
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
