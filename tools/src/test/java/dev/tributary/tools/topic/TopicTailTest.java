package dev.tributary.tools.topic;

import dev.tributary.events.DeadLetter;
import dev.tributary.operators.codec.DeadLetters;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TopicTailTest {

    @Test
    void rendersADeadLetterOfTheCurrentSchema() throws Exception {
        DeadLetter letter = DeadLetters.of("ingest", "mqtt-bridge", "MISSING_FIELD", "required field 'seq' is missing",
                new DeadLetters.Source("mqtt:tributary/telemetry/hoverboard/hb-1", null, null, 0L, null),
                "{}".getBytes(StandardCharsets.UTF_8));

        String line = TopicTail.render(DeadLetter.getEncoder().encode(letter).array(), TopicTail.knownSchemas());

        assertThat(line).contains("MISSING_FIELD").contains("mqtt:tributary/telemetry/hoverboard/hb-1");
    }

    @Test
    void rendersADeadLetterWrittenByRelease010() throws Exception {
        Schema v1;
        try (InputStream in = TopicTailTest.class.getResourceAsStream("/avro-history/DeadLetter-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("flow", "telemetry");
        old.put("operator", "telemetry-decode");
        old.put("reasonCode", "MALFORMED_JSON");
        old.put("reason", "malformed JSON at line 1");
        old.put("sourceTopic", "telemetry.hoverboard");
        old.put("sourcePartition", 2);
        old.put("sourceOffset", 41L);
        old.put("sourceTimestamp", 0L);
        old.put("key", null);
        old.put("payload", ByteBuffer.wrap("{".getBytes(StandardCharsets.UTF_8)));
        old.put("payloadSize", 1);
        old.put("payloadTruncated", false);
        old.put("failedAt", Instant.parse("2026-11-21T12:00:00Z").toEpochMilli());
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

        String line = TopicTail.render(bytes, TopicTail.knownSchemas());

        assertThat(line).doesNotContain("unknownSchemaFingerprint").contains("MALFORMED_JSON").contains("telemetry.hoverboard");
    }
}
