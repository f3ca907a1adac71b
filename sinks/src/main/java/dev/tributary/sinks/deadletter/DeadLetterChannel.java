package dev.tributary.sinks.deadletter;

import dev.tributary.events.DeadLetter;

import java.io.Serializable;

/**
 * Where a sink writer sends the records its server rejected (a mapping error in the search index, a row
 * the warehouse refuses), so one poison record never stalls a sink and nothing is lost.
 *
 * <p>Sink writers cannot emit records downstream, so they publish dead letters themselves. Delivery is
 * at-least-once: a writer calls {@link #flush()} from its own flush (before the checkpoint barrier passes),
 * so a dead letter is durable before the checkpoint that covers its source record completes. A replay may
 * repeat a dead letter; its source topic/partition/offset identify it for deduplication.
 */
public interface DeadLetterChannel extends AutoCloseable {

    /** Queues a dead letter; does not block on the network. */
    void send(DeadLetter letter);

    /** Blocks until every dead letter sent so far is acknowledged; throws if any could not be delivered. */
    void flush();

    @Override
    void close();

    /** Serializable recipe shipped with the sink; opened once per writer on the task manager. */
    interface Factory extends Serializable {
        DeadLetterChannel open();
    }
}
