package dev.tributary.pipeline.flows;

import dev.tributary.events.RawEvent;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RawEnvelopeTest {

    @Test
    void everyEventTypeHasAnOwningFlowForItsRawZoneDirectory() {
        assertThat(EventType.ALL).extracting(EventType::name)
                .as("add new event types to EventType.OWNERS, or their raw files land under 'unassigned'")
                .allSatisfy(type -> assertThat(EventType.OWNERS).containsKey(type));
    }

    @Test
    void wrapsTheRecordAsIs() throws Exception {
        byte[] payload = {(byte) 0xC3, 0x01, 9, 9};
        RawEvent e = new RawEnvelope().map(new ValidatedRecord("device-1", payload, EventType.TRIP.name()));
        assertThat(e.getFlow()).isEqualTo("telemetry");
        assertThat(e.getType()).isEqualTo("trip");
        assertThat(e.getKey()).isEqualTo("device-1");
        assertThat(e.getPayload().array()).isEqualTo(payload);
        assertThat(RawEnvelope.ownerOf("something-new")).isEqualTo("unassigned");
    }
}
