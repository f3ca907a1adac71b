package dev.tributary.sinks.search;

import java.io.Serializable;

/** Turns a stream element into its search document operation; shipped with the sink, so serializable. */
@FunctionalInterface
public interface DocumentMapper<T> extends Serializable {
    SearchAction toAction(T element);
}
