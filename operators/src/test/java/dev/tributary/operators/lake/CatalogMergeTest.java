package dev.tributary.operators.lake;

import dev.tributary.events.CatalogEntry;
import dev.tributary.events.CatalogOperation;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogMergeTest {

    private static final Instant T0 = Instant.parse("2026-11-21T11:00:00Z");

    private static KeyedOneInputStreamOperatorTestHarness<String, CatalogEntry, CatalogEntry> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CatalogMerge()),
                CatalogEntry::getObjectKey, Types.STRING);
        h.open();
        return h;
    }

    private static CatalogOperation op(String name, int minute, boolean ok, String reason) {
        return CatalogOperation.newBuilder().setName(name).setAt(T0.plusSeconds(60L * minute)).setJob("tributary")
                .setOperator("lake-test").setSucceeded(ok).setReason(reason).build();
    }

    private static CatalogEntry update(String key, int minute, Long size, String sha, CatalogOperation op) {
        return CatalogEntry.newBuilder().setObjectKey(key).setContainer("tributary/raw").setOwner("landing")
                .setOriginalName("a.csv").setContentType(null).setSizeBytes(size).setSha256(sha)
                .setCreatedAt(T0.plusSeconds(60L * minute)).setModifiedAt(T0.plusSeconds(60L * minute))
                .setOperations(List.of(op)).setAttributes(Map.of("step" + minute, "x")).build();
    }

    private static List<CatalogEntry> outputs(KeyedOneInputStreamOperatorTestHarness<String, CatalogEntry, CatalogEntry> h) {
        return h.extractOutputValues();
    }

    @Test
    void operationsAccumulatePerObjectAndVersionCountsThem() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(update("k1", 0, 10L, "aa", op("STORE", 0, true, null))));
            h.processElement(new StreamRecord<>(update("k2", 1, 20L, "bb", op("STORE", 1, true, null))));
            h.processElement(new StreamRecord<>(update("k1", 2, null, null, op("PARSE", 2, false, "bad row 3"))));

            List<CatalogEntry> out = outputs(h);
            assertThat(out).hasSize(3);
            CatalogEntry k1 = out.get(2);
            assertThat(k1.getObjectKey()).isEqualTo("k1");
            assertThat(k1.getVersion()).isEqualTo(2L);
            assertThat(k1.getOperations()).extracting(CatalogOperation::getName).containsExactly("STORE", "PARSE");
            assertThat(k1.getOperations().get(1).getReason()).isEqualTo("bad row 3");
            assertThat(k1.getSizeBytes()).as("a gap in the update keeps the known size").isEqualTo(10L);
            assertThat(k1.getSha256()).isEqualTo("aa");
            assertThat(k1.getCreatedAt()).isEqualTo(T0);
            assertThat(k1.getModifiedAt()).isEqualTo(T0.plusSeconds(120));
            assertThat(k1.getAttributes()).containsOnlyKeys("step0", "step2");
            assertThat(out.get(1).getVersion()).as("k2 is its own entry").isEqualTo(1L);
        }
    }

    @Test
    void aReplayedUpdateChangesNothingAndEmitsNothing() throws Exception {
        try (var h = harness()) {
            CatalogEntry store = update("k1", 0, 10L, "aa", op("STORE", 0, true, null));
            h.processElement(new StreamRecord<>(store));
            h.processElement(new StreamRecord<>(CatalogEntry.newBuilder(store).build()));
            assertThat(outputs(h)).hasSize(1);
        }
    }

    @Test
    void theEntrySurvivesARestoreFromASnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(update("k1", 0, 10L, "aa", op("STORE", 0, true, null))));
            snapshot = h.snapshot(1L, 1L);
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new CatalogMerge()),
                CatalogEntry::getObjectKey, Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        try (restored) {
            restored.processElement(new StreamRecord<>(update("k1", 5, null, null, op("COPY", 5, true, null))));
            CatalogEntry k1 = outputs(restored).get(0);
            assertThat(k1.getVersion()).isEqualTo(2L);
            assertThat(k1.getOperations()).extracting(CatalogOperation::getName).containsExactly("STORE", "COPY");
        }
    }

    @Test
    void theSameContentLandedUnderThousandsOfNamesKeepsTheEntryBounded() throws Exception {
        try (var h = harness()) {
            int landings = 5_000;
            for (int i = 0; i < landings; i++) {
                CatalogOperation store = CatalogOperation.newBuilder().setName("STORE").setAt(T0.plusMillis(i))
                        .setJob("tributary").setOperator("lake-test").setSucceeded(i % 2 == 0)
                        .setReason(i % 2 == 0 ? null : "x".repeat(100_000)).build();
                h.processElement(new StreamRecord<>(update("k1", 0, 10L, "aa", store)));
            }
            CatalogEntry last = outputs(h).get(outputs(h).size() - 1);
            assertThat(last.getOperations()).hasSize(CatalogMerge.MAX_OPERATIONS);
            assertThat(last.getOperations().get(CatalogMerge.MAX_OPERATIONS - 1).getAt()).isEqualTo(T0.plusMillis(landings - 1));
            assertThat(last.getOperations()).allSatisfy(op -> assertThat(op.getReason() == null ? 0
                    : op.getReason().length()).isLessThanOrEqualTo(2048));
            assertThat(last.getOperationCounts()).containsExactly(Map.entry("STORE", (long) landings));
            assertThat(last.getVersion()).isEqualTo(landings);
            assertThat(dev.tributary.operators.codec.AvroEventSerializer.encode(last).length).as("bytes")
                    .isLessThan(256 * 1024);

            // a replay of an operation that is no longer listed changes nothing
            int before = outputs(h).size();
            h.processElement(new StreamRecord<>(update("k1", 0, 10L, "aa", CatalogOperation.newBuilder()
                    .setName("STORE").setAt(T0.plusMillis(3)).setJob("tributary").setOperator("lake-test")
                    .setSucceeded(false).setReason("x".repeat(100_000)).build())));
            assertThat(outputs(h)).hasSize(before);
        }
    }
}
