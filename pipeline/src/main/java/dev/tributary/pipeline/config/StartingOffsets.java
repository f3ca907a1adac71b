package dev.tributary.pipeline.config;

/** Where Kafka sources start when a job starts without a checkpoint or savepoint. */
public enum StartingOffsets {
    /** The consumer group's committed offsets, or the earliest offset for partitions without one. */
    COMMITTED_OR_EARLIEST,
    EARLIEST,
    LATEST
}
