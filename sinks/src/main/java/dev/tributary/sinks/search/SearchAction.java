package dev.tributary.sinks.search;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One document operation for the {@code _bulk} API, produced by a {@link DocumentMapper}.
 *
 * <p>The id must be deterministic (derived from the record's natural key) so a replay after a failure
 * overwrites the same document instead of adding a second one. The version, when present, is sent as an
 * external version, so a replayed or late older version never overwrites a newer one.
 *
 * @param op index (create or replace the whole document) or delete
 * @param index target index (or alias / data-stream-less write alias)
 * @param id the document id; never null or empty
 * @param version external version (non-negative), or null to write without version control
 * @param source the document as one JSON object in UTF-8; null for deletes
 */
public record SearchAction(Op op, String index, String id, Long version, byte[] source) implements Serializable {

    public enum Op { INDEX, DELETE }

    public SearchAction {
        Objects.requireNonNull(op, "op");
        if (index == null || index.isEmpty()) {
            throw new IllegalArgumentException("index must not be empty");
        }
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty (index " + index + ")");
        }
        if (version != null && version < 0) {
            throw new IllegalArgumentException("external versions must be >= 0, got " + version + " for " + index + "/" + id);
        }
        if (op == Op.INDEX && (source == null || source.length == 0)) {
            throw new IllegalArgumentException("an index action needs a source document: " + index + "/" + id);
        }
        if (op == Op.DELETE && source != null) {
            throw new IllegalArgumentException("a delete action carries no source: " + index + "/" + id);
        }
    }

    public static SearchAction index(String index, String id, Long version, byte[] sourceJson) {
        return new SearchAction(Op.INDEX, index, id, version, sourceJson);
    }

    public static SearchAction index(String index, String id, Long version, String sourceJson) {
        return index(index, id, version, sourceJson.getBytes(StandardCharsets.UTF_8));
    }

    public static SearchAction delete(String index, String id, Long version) {
        return new SearchAction(Op.DELETE, index, id, version, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SearchAction other
                && op == other.op
                && index.equals(other.index)
                && id.equals(other.id)
                && Objects.equals(version, other.version)
                && Arrays.equals(source, other.source);
    }

    @Override
    public int hashCode() {
        return Objects.hash(op, index, id, version, Arrays.hashCode(source));
    }

    @Override
    public String toString() {
        return op + " " + index + "/" + id + (version == null ? "" : " v" + version)
                + (source == null ? "" : " (" + source.length + " bytes)");
    }
}
