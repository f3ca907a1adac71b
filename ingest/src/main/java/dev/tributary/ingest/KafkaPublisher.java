package dev.tributary.ingest;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Produces accepted records to Kafka with an idempotent producer ({@code acks=all}, at most 5 requests in
 * flight: the broker keeps each partition's records in the order sent, and a retried batch is never written
 * twice), and bounds the records awaiting the broker's answer. A request that would pass the bound is not
 * queued behind the others: it is answered 429 at once, so a device backs off instead of holding a connection
 * while Kafka cannot keep up.
 */
final class KafkaPublisher implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Duration admissionWait;
    private final Duration deliveryTimeout;

    KafkaPublisher(Properties client, int maxInFlightRecords, Duration admissionWait, Duration maxBlock, Duration deliveryTimeout) {
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
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.inFlight = new Semaphore(maxInFlightRecords);
        this.maxInFlight = maxInFlightRecords;
        this.admissionWait = admissionWait;
        this.deliveryTimeout = deliveryTimeout;
    }

    /**
     * Sends the records in their order, or returns empty when admitting them would pass the in-flight bound.
     * Each future completes with the record's partition and offset, or its failure; the permits return as they do.
     */
    Optional<List<CompletableFuture<RecordMetadata>>> trySend(String topic, List<ParsedRecord.Valid> records)
            throws InterruptedException {
        int n = Math.min(records.size(), maxInFlight);
        if (!inFlight.tryAcquire(n, admissionWait.toMillis(), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        // a batch larger than the whole bound is admitted when nothing else is in flight; it counts as the bound
        List<CompletableFuture<RecordMetadata>> results = new ArrayList<>(records.size());
        Throwable refused = null;
        for (ParsedRecord.Valid record : records) {
            CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
            results.add(result);
            if (refused != null) {
                // send() gave up on one (after max.block.ms): the rest would each wait as long, for the same answer
                result.completeExceptionally(refused);
                continue;
            }
            try {
                producer.send(new ProducerRecord<>(topic, record.key().getBytes(StandardCharsets.UTF_8), record.value()),
                        (metadata, error) -> {
                            if (error == null) {
                                result.complete(metadata);
                            } else {
                                result.completeExceptionally(error);
                            }
                        });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
            if (result.isCompletedExceptionally()) {
                // failed within send(): no metadata or buffer space within max.block.ms (reported through the
                // callback, not thrown), or the producer is closed
                refused = result.handle((metadata, error) -> error).join();
            }
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, error) -> inFlight.release(n));
        return Optional.of(results);
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
