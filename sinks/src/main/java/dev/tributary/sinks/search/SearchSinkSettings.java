package dev.tributary.sinks.search;

import dev.tributary.sinks.deadletter.DeadLetterChannel;

import java.io.Serializable;
import java.util.List;

/** Everything the writer needs besides the batching limits of {@code AsyncSinkBase}. */
record SearchSinkSettings(
        SearchConnection connection,
        RetryPolicy retry,
        DeadLetterChannel.Factory deadLetters,
        String flow,
        String operatorUid,
        List<String> indexTemplates) implements Serializable {}
