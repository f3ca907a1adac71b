package dev.tributary.sinks.objectstore;

/**
 * What the store knows about one object.
 *
 * @param sha256 hex digest recorded when the object was written through {@link ObjectStore}, or null for
 *               objects written by someone else
 */
public record ObjectInfo(String key, long sizeBytes, String contentType, String sha256) {}
