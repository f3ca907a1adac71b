package dev.tributary.sinks.search;

import dev.tributary.events.DeadLetter;
import dev.tributary.sinks.deadletter.DeadLetterChannel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double for the dead-letter channel (not for the server): collects letters in memory per name,
 * shared by all writers of a MiniCluster job running in this JVM. Letters count as delivered on flush.
 */
final class InMemoryDeadLetterChannel implements DeadLetterChannel {

    private static final Map<String, List<DeadLetter>> DELIVERED = new ConcurrentHashMap<>();

    private final List<DeadLetter> pending = new CopyOnWriteArrayList<>();
    private final String name;

    private InMemoryDeadLetterChannel(String name) {
        this.name = name;
    }

    static DeadLetterChannel.Factory factory(String name) {
        DELIVERED.putIfAbsent(name, new CopyOnWriteArrayList<>());
        return () -> new InMemoryDeadLetterChannel(name);
    }

    static List<DeadLetter> delivered(String name) {
        return DELIVERED.getOrDefault(name, List.of());
    }

    @Override
    public void send(DeadLetter letter) {
        pending.add(letter);
    }

    @Override
    public synchronized void flush() {
        List<DeadLetter> batch = List.copyOf(pending);
        pending.removeAll(batch);
        DELIVERED.get(name).addAll(batch);
    }

    @Override
    public void close() {}
}
