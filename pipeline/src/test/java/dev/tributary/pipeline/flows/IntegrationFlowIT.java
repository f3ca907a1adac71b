package dev.tributary.pipeline.flows;

import dev.tributary.events.DeadLetter;
import dev.tributary.events.HoverboardReading;
import dev.tributary.operators.codec.RawRecord;
import dev.tributary.pipeline.FailOnce;
import dev.tributary.pipeline.FaultySources;
import dev.tributary.pipeline.FreshTopics;
import dev.tributary.pipeline.KafkaTestSupport;
import dev.tributary.pipeline.TestEnvironments;
import dev.tributary.pipeline.TributaryJob;
import dev.tributary.pipeline.config.JobSettings;
import dev.tributary.pipeline.io.KafkaSources;
import dev.tributary.pipeline.io.Sources;
import dev.tributary.pipeline.io.TributarySinks;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The walking skeleton end to end: real Kafka broker, the production graph on a MiniCluster, a task failure
 * injected in the middle of the stream. Every valid record must reach the validated topic exactly once and in
 * order per device; every bad one the dead-letter topic with its reason and offset. The same run again with every
 * Kafka client of the job (sources, exactly-once sinks, dead letters) on the broker's SASL_SSL listener.
 */
class IntegrationFlowIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final int DEVICES = 10;
    private static final int READINGS_PER_DEVICE = 40;
    @Test
    void validRecordsArriveExactlyOnceInOrderAndRejectsAreDeadLettered() throws Exception {
        runWithInjectedFault("integration-it", Map.of(), Map.of());
    }

    @Test
    void theSameOverSaslSslWithPasswordsFromTheEnvironment() throws Exception {
        runWithInjectedFault("integration-sasl-it", KafkaTestSupport.saslSslSettings(), KafkaTestSupport.saslSslEnvironment());
    }

    /** The test's own clients use the plaintext listener of the same broker; {@code security} applies to the job's. */
    private static void runWithInjectedFault(String fault, Map<String, String> security, Map<String, String> environment)
            throws Exception {
        FreshTopics topics = FreshTopics.create(2);
        String hoverboard = topics.hoverboard();

        // 400 valid readings, every other one as Avro single-object encoding, the rest as JSON
        List<Map.Entry<String, byte[]>> input = new ArrayList<>();
        for (int seq = 1; seq <= READINGS_PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                HoverboardReading r = HoverboardReading.newBuilder().setDeviceId("device-" + d).setSeq(seq)
                        .setEventTime(Instant.now().minusSeconds(READINGS_PER_DEVICE - seq))
                        .setBatteryPct(90 - seq).setTemperatureC(21.5).build();
                input.add(new SimpleEntry<>(r.getDeviceId(), seq % 2 == 0 ? avro(r) : json(r)));
            }
        }
        // 4 bad ones among them: malformed JSON, a missing field, a wrong type, an unknown Avro schema
        List<byte[]> bad = List.of(
                "{\"deviceId\": \"device-1\", \"seq\": ".getBytes(StandardCharsets.UTF_8),
                "{\"deviceId\": \"device-2\", \"seq\": 5, \"batteryPct\": 50, \"temperatureC\": 20}".getBytes(StandardCharsets.UTF_8),
                "{\"deviceId\": \"device-3\", \"seq\": \"five\", \"eventTime\": 1700000000000, \"batteryPct\": 50, \"temperatureC\": 20}".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0});
        for (int i = 0; i < bad.size(); i++) {
            input.add(100 * (i + 1), new SimpleEntry<>("device-" + i, bad.get(i)));
        }
        KafkaTestSupport.produce(hoverboard, input);
        int valid = DEVICES * READINGS_PER_DEVICE;

        Map<String, String> raw = new HashMap<>(topics.settings());
        raw.putAll(security);
        JobSettings settings = JobSettings.parse(raw, environment);

        StreamExecutionEnvironment env = TestEnvironments.withRestarts(3);

        KafkaSources kafka = new KafkaSources(settings);
        Sources withFault = new FaultySources(kafka, hoverboard, fault, valid / 2);
        TributaryJob.build(new FlowContext(env, settings, withFault, new TributarySinks(settings)));
        JobClient job = env.executeAsync(fault);
        try {
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestSupport.readCommittedUntil(
                    topics.validated(), Duration.ofMinutes(3), seen -> seen.size() >= valid);
            List<ConsumerRecord<byte[], byte[]>> dead = KafkaTestSupport.readCommittedUntil(
                    topics.deadLetter(), Duration.ofMinutes(1), seen -> seen.size() >= bad.size());
            FailOnce.assertRestoredAfterCommittedOutput(fault);
            // the reads above stopped at the expected counts; a duplicate committed later must show too: stop the
            // job (its open transactions abort), then read everything it committed
            job.cancel().get();
            out = KafkaTestSupport.readCommittedToEnd(topics.validated(), Duration.ofMinutes(1));
            dead = KafkaTestSupport.readCommittedToEnd(topics.deadLetter(), Duration.ofMinutes(1));

            // exactly once: every (device, seq) once, nothing else
            BinaryMessageDecoder<HoverboardReading> decoder = HoverboardReading.getDecoder();
            Set<String> ids = new HashSet<>();
            Map<String, Long> lastSeqPerDevice = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                HoverboardReading reading = decoder.decode(ByteBuffer.wrap(r.value()));
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(reading.getDeviceId());
                assertThat(ids.add(reading.getDeviceId() + "#" + reading.getSeq()))
                        .as("duplicate %s#%s", reading.getDeviceId(), reading.getSeq()).isTrue();
                // order per device: the key decides the partition, and within it seq only grows
                Long last = lastSeqPerDevice.put(reading.getDeviceId(), reading.getSeq());
                assertThat(last == null || last < reading.getSeq())
                        .as("order of %s: %s after %s", reading.getDeviceId(), reading.getSeq(), last).isTrue();
            }
            assertThat(out).hasSize(valid);

            BinaryMessageDecoder<DeadLetter> dlDecoder = DeadLetter.getDecoder();
            List<DeadLetter> letters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                letters.add(dlDecoder.decode(ByteBuffer.wrap(r.value())));
            }
            assertThat(letters).hasSize(bad.size()).allSatisfy(l -> {
                assertThat(l.getSourceTopic()).isEqualTo(hoverboard);
                assertThat(l.getSourceOffset()).isNotNull();
                // decoded once for the whole job: the dead letter names the flow that owns the type
                assertThat(l.getFlow()).isEqualTo(EventType.HOVERBOARD_READING.owner());
                assertThat(l.getOperator()).isEqualTo("hoverboard-reading-source");
                assertThat(l.getReason()).isNotBlank();
            });
            assertThat(letters).extracting(DeadLetter::getReasonCode)
                    .containsExactlyInAnyOrder("MALFORMED_JSON", "MISSING_FIELD", "WRONG_TYPE", "UNKNOWN_SCHEMA");
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static byte[] avro(HoverboardReading r) throws Exception {
        ByteBuffer b = r.toByteBuffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static byte[] json(HoverboardReading r) {
        return String.format(java.util.Locale.ROOT,
                "{\"deviceId\":\"%s\",\"seq\":%d,\"eventTime\":\"%s\",\"batteryPct\":%s,\"temperatureC\":%s}",
                r.getDeviceId(), r.getSeq(), r.getEventTime(), r.getBatteryPct(), r.getTemperatureC())
                .getBytes(StandardCharsets.UTF_8);
    }
}
