package dev.tributary.pipeline.badinput;

import dev.tributary.events.AssetAnnounced;
import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.CodecLimits;
import dev.tributary.operators.codec.DecodeFunction;
import dev.tributary.operators.codec.RawRecord;

import com.fasterxml.jackson.databind.node.TextNode;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus is what BadInputIT expects of the running job; this checks its Kafka cases against the production
 * decode operator in a harness (fast, no servers), so a wrong expectation shows here with the actual reason.
 */
class HostileCorpusTest {

    private static final CodecLimits LIMITS = new CodecLimits(HostileCorpus.MAX_PAYLOAD_BYTES,
            CodecLimits.DEFAULTS.maxNestingDepth(), CodecLimits.DEFAULTS.maxStringLength());

    @Test
    void everyTopicCaseDecodesToItsExpectedOutcome() throws Exception {
        List<HostileCorpus.Case> cases = HostileCorpus.load().stream()
                .filter(c -> c.isKafka() || c.source().equals(HostileCorpus.ASSET_URL)).toList();
        StringBuilder wrong = new StringBuilder();
        for (HostileCorpus.Case c : cases) {
            // a hostile URL is a valid announcement: it must pass decoding and fail only in the download operator
            Class<? extends SpecificRecordBase> type = c.isKafka() ? c.type() : AssetAnnounced.class;
            byte[] bytes = c.isKafka() ? c.bytes()
                    : HostileCorpus.patched(type, "{\"url\":" + TextNode.valueOf(c.url("http://127.0.0.1:1", 1)) + "}");
            String actual = decode(type, bytes);
            String expected = c.outcome() == HostileCorpus.Outcome.DEAD_LETTER ? "dead:" + c.reason() : "accepted";
            if (!actual.equals(expected)) {
                wrong.append(c.id()).append(": expected ").append(expected).append(", got ").append(actual).append('\n');
            }
        }
        assertThat(wrong.toString()).as("cases whose outcome differs from the corpus").isEmpty();
    }

    @Test
    void coversEverySourceAndEveryKindOfOutcome() {
        List<HostileCorpus.Case> cases = HostileCorpus.load();
        Set<String> sources = cases.stream().map(HostileCorpus.Case::source).collect(Collectors.toSet());
        assertThat(sources).containsAll(HostileCorpus.TOPIC_TYPES.keySet())
                .contains(HostileCorpus.ASSET_URL, HostileCorpus.LANDING);
        assertThat(cases).extracting(HostileCorpus.Case::outcome).contains(HostileCorpus.Outcome.values());
        assertThat(cases).extracting(HostileCorpus.Case::id).doesNotHaveDuplicates();
    }

    @Test
    void unescapesBytesNewlinesAndKeepsJsonEscapes() {
        assertThat(HostileCorpus.unescape("a\\xff\\n\\u0000")).containsExactly('a', 0xff - 256, '\n', '\\', 'u', '0', '0', '0', '0');
    }

    /** "accepted" or "dead:CODE", as the production decode operator decides. */
    private static <T extends SpecificRecordBase> String decode(Class<T> type, byte[] bytes) throws Exception {
        DecodeFunction<T> fn = new DecodeFunction<>(type, "corpus", "corpus-decode").withLimits(LIMITS);
        try (OneInputStreamOperatorTestHarness<RawRecord, T> harness =
                     new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(fn))) {
            harness.open();
            harness.processElement(new StreamRecord<>(RawRecord.of("t", 0, 1, 0, null, bytes)));
            ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead = harness.getSideOutput(DecodeFunction.DEAD_LETTERS);
            if (dead != null && !dead.isEmpty()) {
                return "dead:" + dead.peek().getValue().getReasonCode();
            }
            return harness.extractOutputValues().size() == 1 ? "accepted" : "nothing";
        }
    }
}
