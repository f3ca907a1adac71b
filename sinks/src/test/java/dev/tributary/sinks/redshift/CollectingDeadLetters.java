package dev.tributary.sinks.redshift;

import dev.tributary.events.DeadLetter;
import dev.tributary.sinks.deadletter.DeadLetterChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A dead-letter channel that keeps letters in memory (a test double for the channel, not for any server):
 * sent letters become visible in {@link #delivered(String)} only when the writer flushes the channel, as
 * with Kafka acknowledgements. Channels of the same name (one per parallel writer) share one list.
 */
final class CollectingDeadLetters implements DeadLetterChannel {

    private static final Map<String, ConcurrentLinkedQueue<DeadLetter>> DELIVERED = new ConcurrentHashMap<>();

    private final String name;
    private final List<DeadLetter> pending = new ArrayList<>();

    private CollectingDeadLetters(String name) {
        this.name = name;
    }

    static Factory factory(String name) {
        DELIVERED.put(name, new ConcurrentLinkedQueue<>());
        return () -> new CollectingDeadLetters(name);
    }

    static List<DeadLetter> delivered(String name) {
        return List.copyOf(DELIVERED.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public void send(DeadLetter letter) {
        pending.add(letter);
    }

    @Override
    public void flush() {
        DELIVERED.get(name).addAll(pending);
        pending.clear();
    }

    @Override
    public void close() {
        pending.clear();
    }
}
