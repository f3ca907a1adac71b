package dev.tributary.tools.edge.console;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The state of the link to HQ, as the edge can know it without reaching HQ: MirrorMaker 2's heartbeats. Its
 * edge→hq flow writes a heartbeat into HQ's broker every few seconds, and its hq→edge flow copies HQ's heartbeats
 * here as {@code hq.heartbeats} (prefixed even under the identity policy, so they never cycle). A copy arriving
 * means records did cross from HQ to this edge just now; its timestamp is when it was written at HQ. The link is
 * UP while the newest heartbeat is younger than the bound, DOWN after, and UNKNOWN before any was seen (a mirror
 * that never ran, or heartbeats switched off).
 *
 * <p>Reads with {@code read_committed} (MirrorMaker writes in transactions) from the end of the topic: only the
 * newest heartbeat matters. One thread, one consumer, no group.
 */
public final class LinkMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LinkMonitor.class);

    /** What the console shows about the link. */
    public record LinkState(String state, Instant lastHeartbeatAt, Long secondsSinceHeartbeat, String detail) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration downAfter;
    private final Clock clock;
    private final AtomicReference<Instant> lastHeartbeat = new AtomicReference<>();
    private final AtomicReference<String> problem = new AtomicReference<>("not started");
    private final Thread thread;
    private volatile boolean running = true;

    public LinkMonitor(String bootstrap, String topic, Duration downAfter, Clock clock) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.put("allow.auto.create.topics", "false"); // looking must not create the topic
        props.put("client.id", "tributary-edge-console-link");
        props.put("default.api.timeout.ms", "5000");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.downAfter = downAfter;
        this.clock = clock;
        this.thread = new Thread(this::run, "edge-console-link");
        this.thread.setDaemon(true);
    }

    public LinkMonitor start() {
        thread.start();
        return this;
    }

    public LinkState state() {
        Instant last = lastHeartbeat.get();
        if (last == null) {
            return new LinkState("UNKNOWN", null, null, problem.get());
        }
        long age = Math.max(0, Duration.between(last, clock.instant()).toSeconds());
        boolean up = age <= downAfter.toSeconds();
        return new LinkState(up ? "UP" : "DOWN", last, age, up ? "heartbeats from HQ arrive"
                : "no heartbeat from HQ for " + age + " s (MirrorMaker stopped, or the link is down); requests wait on this edge");
    }

    private void run() {
        while (running) {
            try {
                if (consumer.assignment().isEmpty() && !assign()) {
                    sleep(Duration.ofSeconds(2));
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    Instant at = Instant.ofEpochMilli(r.timestamp());
                    lastHeartbeat.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
                }
                problem.set(null);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                problem.set("the edge's broker: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warn("link monitor: {}", problem.get());
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    /** Assigns every partition of the topic, one record before its end; false while the topic does not exist. */
    private boolean assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            problem.set("no heartbeats from HQ yet (topic " + topic + " does not exist on this edge's broker)");
            return false;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(5));
        // a few records back: the last offsets may be transaction markers, not heartbeats
        ends.forEach((tp, end) -> consumer.seek(tp, Math.max(0, end - 10)));
        return true;
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // a background poller's back-off, not a test wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
