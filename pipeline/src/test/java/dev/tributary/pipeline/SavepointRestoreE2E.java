package dev.tributary.pipeline;

import dev.tributary.events.HoverboardReading;
import dev.tributary.testing.StackEnv;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the real session cluster, as a user would: {@code bin/flink run} the shaded jar, stop it with a savepoint,
 * start it again from that savepoint, and check through the REST API that it restored from it and through
 * Kafka that nothing was lost or doubled across the stop.
 */
class SavepointRestoreE2E {

    @Test
    void theJobRestoresFromItsSavepointWithNothingLostOrDoubled() throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String hoverboard = topics.hoverboard();
        String validated = topics.validated();
        List<String> args = new ArrayList<>(List.of(
                "--config", StackEnv.repoRoot().resolve("flink-conf/jobs/local.properties").toString(),
                "--job.name", "savepoint-e2e " + hoverboard,
                // the integration flow's output is what is checked; the other flows would write to shared tables
                "--flows", "integration"));
        args.addAll(topics.arguments());

        KafkaTestSupport.produce(hoverboard, readings(1, 100));
        String first = SessionCluster.runDetached(null, args);
        KafkaTestSupport.readCommittedUntil(validated, Duration.ofMinutes(3), seen -> seen.size() >= 100);

        Path savepoints = StackEnv.repoRoot().resolve(".stack/flink/savepoints");
        Files.createDirectories(savepoints);
        String savepoint = SessionCluster.stopWithSavepoint(first, savepoints);
        SessionCluster.awaitRest("/jobs/" + first, Duration.ofMinutes(1), j -> "FINISHED".equals(j.path("state").asText()));

        KafkaTestSupport.produce(hoverboard, readings(101, 200));
        String second = SessionCluster.runDetached(savepoint, args);
        try {
            JsonNode checkpoints = SessionCluster.awaitRest("/jobs/" + second + "/checkpoints", Duration.ofMinutes(2),
                    c -> c.path("latest").path("restored").hasNonNull("external_path"));
            assertThat(checkpoints.path("latest").path("restored").path("external_path").asText().replaceFirst("^file:(//)?", ""))
                    .as("the job restored from the savepoint it was stopped with")
                    .isEqualTo(savepoint.replaceFirst("^file:(//)?", ""));

            KafkaTestSupport.readCommittedUntil(validated, Duration.ofMinutes(3), seen -> seen.size() >= 200);
            // the read stopped at the expected count: stop the job and read all it committed, so a duplicate
            // committed later shows too
            SessionCluster.cancelAndAwait(second);
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestSupport.readCommittedToEnd(validated, Duration.ofMinutes(1));
            Set<Long> seqs = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                assertThat(seqs.add(HoverboardReading.getDecoder().decode(ByteBuffer.wrap(r.value())).getSeq()))
                        .as("each reading once").isTrue();
            }
            assertThat(out).hasSize(200);
        } finally {
            if ("RUNNING".equals(SessionCluster.get("/jobs/" + second).path("state").asText())) {
                SessionCluster.cancel(second);
            }
        }
    }

    private static List<Map.Entry<String, byte[]>> readings(int from, int to) throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (int seq = from; seq <= to; seq++) {
            HoverboardReading r = HoverboardReading.newBuilder().setDeviceId("device-" + seq % 5).setSeq(seq)
                    .setEventTime(Instant.now().minusSeconds(1000 - seq)).setBatteryPct(50).setTemperatureC(20).build();
            ByteBuffer b = r.toByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.add(new SimpleEntry<>(r.getDeviceId(), bytes));
        }
        return out;
    }
}
