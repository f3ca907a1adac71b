package dev.tributary.sinks.redshift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tributary.sinks.redshift.TestTables.Item;

import org.junit.jupiter.api.Test;

import java.util.List;

class KeyedBatchTest {

    private static Object[] versioned(String id, long version, String text) {
        return TestTables.VERSIONED.rowOf(new Item(id, version, text, null, null));
    }

    @Test
    void keepsTheGreatestVersionOfAKeyWhateverTheArrivalOrder() {
        KeyedBatch batch = new KeyedBatch(TestTables.VERSIONED);
        batch.add(versioned("a", 2, "two"));
        batch.add(versioned("a", 5, "five"));
        batch.add(versioned("a", 3, "three"));
        batch.add(versioned("b", 1, "one"));

        List<Object[]> rows = batch.drain();
        assertThat(rows).extracting(r -> r[0] + "@" + r[1] + ":" + r[2]).containsExactly("a@5:five", "b@1:one");
    }

    @Test
    void onAnEqualVersionTheLaterRowWins() {
        KeyedBatch batch = new KeyedBatch(TestTables.VERSIONED);
        batch.add(versioned("a", 4, "first"));
        batch.add(versioned("a", 4, "second"));
        assertThat(batch.drain()).extracting(r -> r[2]).containsExactly("second");
    }

    @Test
    void anImmutableTableKeepsTheFirstRowOfAKey() {
        KeyedBatch batch = new KeyedBatch(TestTables.IMMUTABLE);
        batch.add(TestTables.IMMUTABLE.rowOf(new Item("a", 1, "first", null, null)));
        batch.add(TestTables.IMMUTABLE.rowOf(new Item("a", 1, "replay", null, null)));
        batch.add(TestTables.IMMUTABLE.rowOf(new Item("a", 2, "other key", null, null)));
        assertThat(batch.drain()).extracting(r -> r[2]).containsExactly("first", "other key");
    }

    @Test
    void countsCollapsedRowsAndEmptiesOnDrain() {
        KeyedBatch batch = new KeyedBatch(TestTables.VERSIONED);
        batch.add(versioned("a", 1, null));
        batch.add(versioned("a", 2, null));
        batch.add(versioned("a", 0, null));
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.collapsedCount()).isEqualTo(2);
        batch.drain();
        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.collapsedCount()).isZero();
    }

    @Test
    void aDeleteCollapsesWithTheWritesOfItsKeyByVersion() {
        KeyedBatch batch = new KeyedBatch(TestTables.VERSIONED);
        batch.add(versioned("a", 1, "one"));
        batch.add(versioned("a", 2, null), true);      // deleted after its write
        batch.add(versioned("b", 3, null), true);
        batch.add(versioned("b", 4, "again"));         // a new row after the delete
        batch.add(versioned("c", 5, null), true);
        batch.add(versioned("c", 4, "older"));         // a replayed older write does not undo the delete

        assertThat(batch.drainDeletes()).extracting(r -> r[0] + "@" + r[1]).containsExactly("a@2", "c@5");
        assertThat(batch.drain()).extracting(r -> r[0] + "@" + r[1] + ":" + r[2]).containsExactly("b@4:again");
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void rowsCannotBeDrainedWhileDeletesAreBuffered() {
        KeyedBatch batch = new KeyedBatch(TestTables.VERSIONED);
        batch.add(versioned("a", 1, null), true);
        org.assertj.core.api.Assertions.assertThatThrownBy(batch::drain).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("drainDeletes");
    }
}
