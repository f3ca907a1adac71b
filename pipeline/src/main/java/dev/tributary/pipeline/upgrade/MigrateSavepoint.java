package dev.tributary.pipeline.upgrade;

import dev.tributary.pipeline.flows.EventType;

import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Migrates a savepoint of release 0.1.0 to the graph of 0.2.0, with Flink's State Processor API:
 * {@code bin/migrate-savepoint <old-savepoint> <new-dir>}, then {@code bin/upgrade --savepoint <new-dir> ...}.
 *
 * <p>0.1.0 read each event type once per flow that used it ({@code <flow>-<type>-source}); 0.2.0 reads it once
 * for the whole job ({@code <type>-source}). Per type, the old source to keep is the one <b>furthest behind</b>
 * on every partition: the new source continues from its offsets, so every flow sees every record at least once
 * (a flow that had read further replays those records into its idempotent sinks; dedupe and the orderer drop
 * the copies). Its state is renamed with its coordinator (enumerator) state, so the partitions it owned are not
 * assigned twice; the other old sources are dropped. When no candidate is behind on every partition, the one with
 * the fewest records ahead of the others is kept and the report says which flow skips how many records where.
 * The keyed dead-letter dedupe is dropped (each record is now decoded, so dead-lettered, once).
 */
public final class MigrateSavepoint {

    /** The operators 0.1.0 had and 0.2.0 has not, besides the per-flow sources. */
    static final List<String> DROPPED = List.of("dead-letter-dedupe");
    /** Flows of 0.1.0 that opened their own source per type they read. */
    static final List<String> OLD_FLOWS = List.of("integration", "telemetry", "observations", "assets", "edge");

    private MigrateSavepoint() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: MigrateSavepoint <savepoint of 0.1.0> <directory for the migrated savepoint>");
            System.exit(2);
        }
        Report report = migrate(StreamExecutionEnvironment.getExecutionEnvironment(), args[0], args[1]);
        System.out.println(report);
    }

    /** What was kept, renamed, dropped and what it costs in replayed or skipped records. */
    public record Report(List<String> lines) {
        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }

    public static Report migrate(StreamExecutionEnvironment env, String from, String to) throws Exception {
        Set<OperatorID> present = new HashSet<>();
        for (OperatorState state : SavepointLoader.loadSavepointMetadata(from).getOperatorStates()) {
            present.add(state.getOperatorID());
        }
        List<String> lines = new ArrayList<>();
        SavepointWriter writer = SavepointWriter.fromExistingSavepoint(env, from);
        boolean changed = false;
        for (EventType<?> type : typesOf0_1_0()) {
            String target = type.name() + "-source";
            if (present.contains(id(target))) {
                lines.add(type.name() + ": already migrated (" + target + ")");
                continue;
            }
            Map<String, Map<String, Long>> candidates = new LinkedHashMap<>();
            for (String flow : OLD_FLOWS) {
                String uid = flow + "-" + type.name() + "-source";
                if (present.contains(id(uid))) {
                    candidates.put(uid, offsets(env, from, uid));
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            String keep = furthestBehind(candidates);
            writer = writer.changeOperatorIdentifier(OperatorIdentifier.forUid(keep), OperatorIdentifier.forUid(target));
            lines.add(type.name() + ": " + keep + " -> " + target + " (offsets " + candidates.get(keep) + ")");
            for (Map.Entry<String, Map<String, Long>> other : candidates.entrySet()) {
                if (!other.getKey().equals(keep)) {
                    writer = writer.removeOperator(OperatorIdentifier.forUid(other.getKey()));
                    lines.add("  dropped " + other.getKey() + ": " + difference(candidates.get(keep), other.getValue()));
                }
            }
            changed = true;
        }
        for (String uid : DROPPED) {
            if (present.contains(id(uid))) {
                writer = writer.removeOperator(OperatorIdentifier.forUid(uid));
                lines.add("dropped " + uid);
                changed = true;
            }
        }
        if (!changed) {
            lines.add("nothing to migrate: " + from + " is already a savepoint of this release's graph");
            return new Report(lines);
        }
        writer.write(to);
        env.execute("Migrate savepoint " + from);
        lines.add("written: " + to);
        return new Report(lines);
    }

    /** The types 0.1.0 read from Kafka (the edge flow's too). */
    static List<EventType<?>> typesOf0_1_0() {
        List<EventType<?>> types = new ArrayList<>(EventType.ALL);
        types.add(EventType.ASSET_BROADCAST);
        types.add(EventType.ASSET_DELIVERY);
        return types;
    }

    private static OperatorID id(String uid) {
        return OperatorIdentifier.forUid(uid).getOperatorId();
    }

    /** The next offset to read per partition ("topic-partition" → offset) in a Kafka source's reader state. */
    static Map<String, Long> offsets(StreamExecutionEnvironment env, String savepoint, String uid) throws Exception {
        Map<String, Long> offsets = new TreeMap<>();
        KafkaPartitionSplitSerializer serializer = new KafkaPartitionSplitSerializer();
        // SourceOperator keeps its splits as versioned bytes in list state "SourceReaderState"
        try (var splits = SavepointReader.read(env, savepoint).readListState(OperatorIdentifier.forUid(uid),
                "SourceReaderState", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO).executeAndCollect()) {
            while (splits.hasNext()) {
                KafkaPartitionSplit split = SimpleVersionedSerialization.readVersionAndDeSerialize(serializer, splits.next());
                offsets.put(split.getTopicPartition().toString(), split.getStartingOffset());
            }
        } catch (IOException e) {
            throw new IOException("cannot read the Kafka offsets of " + uid + " in " + savepoint, e);
        }
        return offsets;
    }

    /** The candidate no other is behind of on any partition; else the one with the fewest records ahead of others. */
    static String furthestBehind(Map<String, Map<String, Long>> candidates) {
        String best = null;
        long bestAhead = Long.MAX_VALUE;
        for (Map.Entry<String, Map<String, Long>> c : candidates.entrySet()) {
            long ahead = 0;
            for (Map<String, Long> other : candidates.values()) {
                for (Map.Entry<String, Long> p : c.getValue().entrySet()) {
                    Long theirs = other.get(p.getKey());
                    if (theirs != null && theirs >= 0 && p.getValue() > theirs) {
                        ahead += p.getValue() - theirs;
                    }
                }
            }
            if (ahead < bestAhead) {
                best = c.getKey();
                bestAhead = ahead;
            }
        }
        return best;
    }

    /** What the flow of a dropped source sees after the migration. */
    static String difference(Map<String, Long> kept, Map<String, Long> dropped) {
        long replayed = 0;
        long skipped = 0;
        for (Map.Entry<String, Long> p : dropped.entrySet()) {
            Long k = kept.get(p.getKey());
            if (k == null || k < 0 || p.getValue() < 0) {
                continue;
            }
            replayed += Math.max(0, p.getValue() - k);
            skipped += Math.max(0, k - p.getValue());
        }
        return "its flow replays " + replayed + " records" + (skipped > 0 ? " and SKIPS " + skipped : "");
    }
}
