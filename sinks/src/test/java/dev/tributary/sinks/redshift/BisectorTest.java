package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

class BisectorTest {

    /** Stands for a transaction: refuses a batch holding any bad row, else commits all of it. */
    private static final class Table {
        final Set<Integer> bad;
        final List<Integer> committed = new ArrayList<>();
        int attempts;

        Table(Set<Integer> bad) {
            this.bad = bad;
        }

        void write(List<Integer> rows) throws Bisector.RowsRejected {
            attempts++;
            for (int r : rows) {
                if (bad.contains(r)) {
                    throw new Bisector.RowsRejected("bad value in row " + r, null);
                }
            }
            committed.addAll(rows);
        }
    }

    private static List<Integer> rows(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void aCleanBatchIsWrittenInOneAttempt() throws Exception {
        Table table = new Table(Set.of());
        int attempts = Bisector.writeIsolatingRejects(rows(100), table::write, (r, why) -> { });
        assertThat(attempts).isEqualTo(1);
        assertThat(table.committed).containsExactlyElementsOf(rows(100));
    }

    @Test
    void isolatesEveryBadRowAndWritesAllTheOthers() throws Exception {
        Set<Integer> bad = Set.of(0, 17, 18, 63, 99);
        Table table = new Table(bad);
        Map<Integer, String> rejected = new LinkedHashMap<>();
        Bisector.writeIsolatingRejects(rows(100), table::write, rejected::put);

        assertThat(rejected.keySet()).containsExactlyInAnyOrderElementsOf(bad);
        assertThat(rejected.get(17)).isEqualTo("bad value in row 17");
        assertThat(table.committed).containsExactlyInAnyOrderElementsOf(
                rows(100).stream().filter(r -> !bad.contains(r)).toList());
    }

    @Test
    void oneBadRowCostsLogarithmicallyManyAttempts() throws Exception {
        Table table = new Table(Set.of(4321));
        Bisector.writeIsolatingRejects(rows(5000), table::write, (r, why) -> { });
        // the failing path is ~log2(5000) = 13 levels deep, each level also tries the sibling half
        assertThat(table.attempts).isLessThanOrEqualTo(2 * 13 + 1);
        assertThat(table.committed).hasSize(4999);
    }

    @Test
    void aFailureOtherThanARejectStopsTheWriteAndPropagates() {
        Bisector.Attempt<Integer> unreachable = rows -> {
            throw new IOException("database unreachable");
        };
        assertThatThrownBy(() -> Bisector.writeIsolatingRejects(rows(10), unreachable, (r, why) -> { }))
                .isInstanceOf(IOException.class);
    }
}
