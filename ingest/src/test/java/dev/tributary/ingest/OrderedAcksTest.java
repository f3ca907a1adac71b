package dev.tributary.ingest;

import dev.tributary.ingest.MqttBridge.OrderedAcks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderedAcksTest {

    @Test
    void aMessageIsAcknowledgedOnlyAfterEveryEarlierOneAndAllItsParts() {
        OrderedAcks acks = new OrderedAcks();
        OrderedAcks.Pending a = acks.arrived(1, 1);
        OrderedAcks.Pending b = acks.arrived(2, 1);
        OrderedAcks.Pending c = acks.arrived(3, 1);
        acks.expect(c, 2); // its records and its dead letters

        assertThat(acks.partDone(b)).as("b waits for a").isEmpty();
        assertThat(acks.partDone(a)).extracting(p -> p.id).containsExactly(1, 2);
        assertThat(acks.partDone(c)).as("one of c's two parts").isEmpty();
        assertThat(acks.partDone(c)).extracting(p -> p.id).containsExactly(3);
        assertThat(acks.pending()).isZero();
    }

    @Test
    void afterALostConnectionTheOldMessagesAreNeverAcknowledged() {
        OrderedAcks acks = new OrderedAcks();
        OrderedAcks.Pending old = acks.arrived(7, 1);
        acks.newConnection(); // the broker sends message 7 again, with a new id on the new connection

        OrderedAcks.Pending again = acks.arrived(1, 1);
        assertThat(acks.partDone(old)).isEmpty();
        assertThat(acks.partDone(again)).extracting(p -> p.id).containsExactly(1);
    }
}
