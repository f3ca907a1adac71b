package dev.tributary.pipeline.io;

import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.sinks.metrics.EndToEndLatency;
import dev.tributary.sinks.search.SearchAction;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every production sink carries the end-to-end latency histogram and keeps the capabilities of the sink it wraps. */
class TributarySinksTest {

    private final TributarySinks sinks = new TributarySinks(JobSettings.parse(Map.of(), Map.of()));

    @Test
    void kafkaSinksAreMeasuredAndStillCommitTransactions() {
        Sink<String> kafka = sinks.kafka("test", "topic", s -> s.getBytes(StandardCharsets.UTF_8),
                s -> s.getBytes(StandardCharsets.UTF_8));
        assertThat(EndToEndLatency.isMeasured(kafka)).isTrue();
        assertThat(kafka).isInstanceOf(SupportsCommitter.class).isInstanceOf(SupportsWriterState.class);
        assertThat(EndToEndLatency.isMeasured(sinks.deadLetters())).isTrue();
    }

    @Test
    void searchSinksAreMeasuredAndKeepTheirBufferedRequestsInState() {
        Sink<String> search = sinks.search("test", "test-search-sink", s -> (SearchAction) null, "devices");
        assertThat(EndToEndLatency.isMeasured(search)).isTrue();
        assertThat(search).isInstanceOf(SupportsWriterState.class);
    }
}
