package dev.tributary.pipeline.upgrade;

import dev.tributary.pipeline.flows.EventType;

import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplitSerializer;
import org.apache.flink.core.io.SimpleVersionedSerialization;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.plugin.PluginUtils;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.runtime.SavepointLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;

/**
 * Migrates a savepoint of release 0.1.0 to the graph of 0.2.0 (offsets read with Flink's State Processor API):
 * {@code bin/migrate-savepoint <old-savepoint> <new-dir>}, then {@code bin/flink run -s <new-dir> ...}.
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
        Report report = migrate(localEnvironment(), args[0], args[1]);
        System.out.println(report);
    }

    /**
     * The migration reads and writes files only, so it runs in this JVM (an in-process cluster of one slot), not
     * on the cluster whose slots the running jobs hold. Of the cluster's configuration ({@code FLINK_CONF_DIR})
     * it takes the file system keys ({@code s3.*}, {@code fs.*}), so s3:// savepoints work with the S3 plugin
     * from {@code FLINK_PLUGINS_DIR}.
     */
    static StreamExecutionEnvironment localEnvironment() {
        Configuration conf = new Configuration();
        if (System.getenv("FLINK_CONF_DIR") != null) {
            GlobalConfiguration.loadConfiguration().toMap().forEach((key, value) -> {
                if (key.startsWith("s3.") || key.startsWith("fs.")) {
                    conf.setString(key, value);
                }
            });
        }
        conf.set(RestOptions.BIND_PORT, "0");
        FileSystem.initialize(conf, PluginUtils.createPluginManagerFromRootFolder(conf));
        return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    }

    /** What was kept, renamed, dropped and what it costs in replayed or skipped records. */
    public record Report(List<String> lines) {
        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }

    public static Report migrate(StreamExecutionEnvironment env, String from, String to) throws Exception {
        CheckpointMetadata metadata = SavepointLoader.loadSavepointMetadata(from);
        Set<OperatorID> present = new HashSet<>();
        metadata.getOperatorStates().forEach(state -> present.add(state.getOperatorID()));
        List<String> lines = new ArrayList<>();
        Map<OperatorID, String> renamed = new HashMap<>();
        Set<OperatorID> dropped = new HashSet<>();
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
            renamed.put(id(keep), target);
            lines.add(type.name() + ": " + keep + " -> " + target + " (offsets " + candidates.get(keep) + ")");
            for (Map.Entry<String, Map<String, Long>> other : candidates.entrySet()) {
                if (!other.getKey().equals(keep)) {
                    dropped.add(id(other.getKey()));
                    lines.add("  dropped " + other.getKey() + ": " + difference(candidates.get(keep), other.getValue()));
                }
            }
        }
        for (String uid : DROPPED) {
            if (present.contains(id(uid))) {
                dropped.add(id(uid));
                lines.add("dropped " + uid);
            }
        }
        if (renamed.isEmpty() && dropped.isEmpty()) {
            lines.add("nothing to migrate: " + from + " is already a savepoint of this release's graph");
            return new Report(lines);
        }
        List<OperatorState> states = new ArrayList<>();
        for (OperatorState state : metadata.getOperatorStates()) {
            String uid = renamed.get(state.getOperatorID());
            if (uid != null) {
                // the whole state moves: the readers' splits and the enumerator's (coordinator) state with them
                OperatorState moved = state.copyWithNewIDs(uid, id(uid));
                // copyWithNewIDs leaves the coordinator state behind: without it the enumerator would assign every
                // partition again, next to the readers' restored splits (each record read twice)
                moved.setCoordinatorState(state.getCoordinatorState());
                states.add(moved);
            } else if (!dropped.contains(state.getOperatorID())) {
                states.add(state);
            }
        }
        write(new CheckpointMetadata(metadata.getCheckpointId(), states, metadata.getMasterStates()), from, to);
        lines.add("written: " + to);
        return new Report(lines);
    }

    /**
     * Writes the new metadata beside copies of the old savepoint's state files (savepoints reference their files
     * relative to their directory). Why not {@code SavepointWriter}: on Flink 2.2 it ships the existing operator
     * states through Kryo, which fails on Java 17 ({@code IllegalAccessError} on
     * {@code InflightDataRescalingDescriptor$NoRescalingDescriptor}); the metadata serializer it ends with is the
     * one used here.
     */
    private static void write(CheckpointMetadata metadata, String from, String to) throws IOException {
        Path source = new Path(from);
        Path target = new Path(to);
        FileSystem fs = target.getFileSystem();
        if (fs.exists(target) && fs.listStatus(target) != null && fs.listStatus(target).length > 0) {
            throw new IOException("the migrated savepoint's directory must be new or empty: " + to);
        }
        fs.mkdirs(target);
        FileSystem sourceFs = source.getFileSystem();
        for (FileStatus file : sourceFs.listStatus(source)) {
            String name = file.getPath().getName();
            if (file.isDir() || name.equals("_metadata")) {
                continue;
            }
            try (var in = sourceFs.open(file.getPath());
                 var out = fs.create(new Path(target, name), FileSystem.WriteMode.NO_OVERWRITE)) {
                in.transferTo(out);
            }
        }
        try (var out = new DataOutputStream(fs.create(new Path(target, "_metadata"), FileSystem.WriteMode.NO_OVERWRITE))) {
            Checkpoints.storeCheckpointMetadata(metadata, out);
        }
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
