package dev.tributary.ingest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Produces accepted records to Kafka with an idempotent producer ({@code acks=all}, at most 5 requests in
 * flight: the broker keeps each partition's records in the order sent, and a retried batch is never written
 * twice), and bounds the records awaiting the broker's answer. A request that would pass the bound is not
 * queued behind the others: it is answered 429 at once, so a device backs off instead of holding a connection
 * while Kafka cannot keep up.
 */
public final class KafkaPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Duration admissionWait;
    private final Duration deliveryTimeout;

    KafkaPublisher(Properties client, int maxInFlightRecords, Duration admissionWait, Duration maxBlock, Duration deliveryTimeout) {
        Properties props = producerSettings(client, maxBlock, deliveryTimeout);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.inFlight = new Semaphore(maxInFlightRecords);
        this.maxInFlight = maxInFlightRecords;
        this.admissionWait = admissionWait;
        this.deliveryTimeout = deliveryTimeout;
    }

    /**
     * The producer's settings (public so a benchmark's plain producer runs with the same): idempotent, acks=all,
     * lz4, batches of up to 128 KiB after 5 ms.
     */
    public static Properties producerSettings(Properties client, Duration maxBlock, Duration deliveryTimeout) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // how long send() may wait for a topic's metadata or for buffer space: beyond it the request is answered 503
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(maxBlock.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryTimeout.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(deliveryTimeout.toMillis() - 5, 10_000)));
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "tributary-ingest");
        return props;
    }

    /**
     * Sends the records in their order, or returns empty when admitting them would pass the in-flight bound.
     * The answer holds each record's partition and offset, or its failure; the permits return as they come.
     */
    Optional<Acks> trySend(String topic, List<ParsedRecord.Valid> records) throws InterruptedException {
        return trySend(topic, records, answered -> { });
    }

    /**
     * {@link #trySend(String, List)}, handing the answers to {@code whenAllAnswered} once Kafka answered every
     * record (on the producer's thread, or on this one when send() failed at once).
     */
    Optional<Acks> trySend(String topic, List<ParsedRecord.Valid> records, java.util.function.Consumer<Acks> whenAllAnswered)
            throws InterruptedException {
        int n = Math.min(records.size(), maxInFlight);
        if (!inFlight.tryAcquire(n, admissionWait.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        // a batch larger than the whole bound is admitted when nothing else is in flight; it counts as the bound
        Acks acks = new Acks(records.size(), answered -> {
            inFlight.release(n);
            whenAllAnswered.accept(answered);
        });
        Exception refused = null;
        for (int i = 0; i < records.size(); i++) {
            ParsedRecord.Valid record = records.get(i);
            if (refused != null) {
                // send() gave up on one (after max.block.ms): the rest would each wait as long, for the same answer
                acks.complete(i, null, refused);
                continue;
            }
            int slot = i;
            try {
                producer.send(new ProducerRecord<>(topic, record.key().getBytes(StandardCharsets.UTF_8), record.value()),
                        (metadata, error) -> acks.complete(slot, metadata, error));
            } catch (RuntimeException e) {
                acks.complete(slot, null, e);
            }
            // failed within send(): no metadata or buffer space within max.block.ms (reported through the callback,
            // not thrown), or the producer is closed
            refused = acks.error(slot);
        }
        return Optional.of(acks);
    }

    /**
     * Kafka's answers to one request's records: one slot per record, filled by the producer's callbacks. One
     * object per request rather than a future per record: at hundreds of records per request, futures and their
     * combination cost more than the rest of the answer.
     */
    static final class Acks {
        private final RecordMetadata[] metadata;
        private final Exception[] errors;
        private final java.util.concurrent.CountDownLatch pending;
        private final java.util.function.Consumer<Acks> whenAllAnswered;

        Acks(int size, java.util.function.Consumer<Acks> whenAllAnswered) {
            this.metadata = new RecordMetadata[size];
            this.errors = new Exception[size];
            this.pending = new java.util.concurrent.CountDownLatch(size);
            this.whenAllAnswered = whenAllAnswered;
        }

        void complete(int slot, RecordMetadata answer, Exception error) {
            if (error == null) {
                metadata[slot] = answer;
            } else {
                errors[slot] = error;
            }
            pending.countDown();
            if (pending.getCount() == 0) {
                whenAllAnswered.accept(this);
            }
        }

        /** Waits for every answer; false at the timeout (the slots not answered then count as failed). */
        boolean await(Duration timeout) throws InterruptedException {
            return pending.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The record's partition and offset, or null. */
        RecordMetadata metadata(int slot) {
            return metadata[slot];
        }

        /** Why the record was not taken, or null. */
        Exception error(int slot) {
            return errors[slot];
        }
    }

    /** Records sent and not yet answered by the broker. */
    int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    @Override
    public void close() {
        // records sent have this long to be acknowledged anyway; a Kafka that is down would hold close() for ever
        producer.close(deliveryTimeout);
    }
}
