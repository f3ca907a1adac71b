package dev.tributary.operators.codec;

import dev.tributary.events.DeadLetter;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterDedupeTest {

    private static DeadLetter letter(String flow, long offset) {
        return DeadLetters.of(flow, flow + "-decode", RejectReason.MALFORMED_JSON, "bad",
                DeadLetters.Source.kafka("telemetry.hoverboard", 0, offset, 1L, null),
                "{not json".getBytes(StandardCharsets.UTF_8));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, DeadLetter, DeadLetter> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeadLetterDedupe(Duration.ofDays(1))),
                DeadLetterDedupe.sourceKey(), org.apache.flink.api.common.typeinfo.Types.STRING);
        h.open();
        return h;
    }

    @Test
    void theSameSourceRecordRejectedByTwoFlowsIsOneDeadLetter() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(letter("integration", 7)));
            h.processElement(new StreamRecord<>(letter("telemetry", 7)));
            h.processElement(new StreamRecord<>(letter("telemetry", 8)));
            assertThat(h.extractOutputValues()).extracting(DeadLetter::getFlow, DeadLetter::getSourceOffset)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("integration", 7L),
                            org.assertj.core.groups.Tuple.tuple("telemetry", 8L));
        }
    }

    @Test
    void theMemoryOfADeadLetterSurvivesARestore() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(letter("integration", 7)));
            snapshot = h.snapshot(1, 1);
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeadLetterDedupe(Duration.ofDays(1))),
                DeadLetterDedupe.sourceKey(), org.apache.flink.api.common.typeinfo.Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(new StreamRecord<>(letter("telemetry", 7)));
        assertThat(restored.extractOutputValues()).isEmpty();
        restored.close();
    }
}
