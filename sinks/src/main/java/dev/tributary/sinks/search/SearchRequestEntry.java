package dev.tributary.sinks.search;

import java.io.Serializable;

/**
 * A document operation already rendered as its {@code _bulk} NDJSON lines, so the writer only concatenates
 * byte arrays when it builds a request.
 *
 * <p>The retry bookkeeping is writer-local: it is not part of checkpointed state (a restored entry starts
 * its retry clock afresh) and is only touched by one request at a time.
 */
public final class SearchRequestEntry implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Payload bytes kept for a document refused before sending (the dead letter cuts at the same bound). */
    static final int MAX_REJECTED_PAYLOAD = dev.tributary.operators.codec.DeadLetters.MAX_PAYLOAD_BYTES;

    private final String index;
    private final String id;
    private final byte[] actionLine;
    private final byte[] sourceLine;
    /** Set when the document was refused before sending (oversized, mapper failure); sourceLine then holds its payload. */
    private final String rejection;
    /** Size of the refused document before it was cut (rejected entries only). */
    private final int rejectedSize;

    private transient int attempts;
    private transient long firstFailureMillis;

    /**
     * @param actionLine the action/metadata line including its trailing newline
     * @param sourceLine the source line including its trailing newline; empty for deletes
     */
    public SearchRequestEntry(String index, String id, byte[] actionLine, byte[] sourceLine) {
        this(index, id, actionLine, sourceLine, null, 0);
    }

    private SearchRequestEntry(String index, String id, byte[] actionLine, byte[] sourceLine, String rejection, int rejectedSize) {
        this.index = index;
        this.id = id;
        this.actionLine = actionLine;
        this.sourceLine = sourceLine;
        this.rejection = rejection;
        this.rejectedSize = rejectedSize;
    }

    /**
     * A document that is never sent: the writer hands it straight to the dead letters with {@code reason}.
     * Only a bounded prefix of the payload is kept, so a huge document cannot blow the buffer.
     */
    public static SearchRequestEntry rejected(String index, String id, String reason, byte[] payload) {
        // one byte more than the dead letter keeps, so the dead letter still sees (and flags) the cut
        byte[] kept = payload.length > MAX_REJECTED_PAYLOAD ? java.util.Arrays.copyOf(payload, MAX_REJECTED_PAYLOAD + 1) : payload;
        return new SearchRequestEntry(index, id, new byte[0], kept, reason, payload.length);
    }

    static SearchRequestEntry restore(String index, String id, byte[] actionLine, byte[] sourceLine, String rejection, int rejectedSize) {
        return new SearchRequestEntry(index, id, actionLine, sourceLine, rejection, rejectedSize);
    }

    /** Size of the original document: for a rejected entry, before its payload was cut. */
    public int documentSize() {
        return rejection != null ? rejectedSize : Math.max(sourceLine.length - 1, 0);
    }

    /** Why this entry was refused before sending, or null for a normal document. */
    public String rejection() {
        return rejection;
    }

    public String index() {
        return index;
    }

    public String id() {
        return id;
    }

    public byte[] actionLine() {
        return actionLine;
    }

    public byte[] sourceLine() {
        return sourceLine;
    }

    /** Bytes this entry adds to a bulk request body. */
    public long sizeInBytes() {
        return (long) actionLine.length + sourceLine.length;
    }

    /** The source document without its line terminator (for dead letters). */
    public byte[] sourceDocument() {
        return sourceLine.length == 0 || rejection != null ? sourceLine : java.util.Arrays.copyOf(sourceLine, sourceLine.length - 1);
    }

    int attempts() {
        return attempts;
    }

    long firstFailureMillis() {
        return firstFailureMillis;
    }

    /** Records a failed attempt; the first one starts this entry's retry clock. */
    void recordFailure(long nowMillis) {
        if (attempts == 0) {
            firstFailureMillis = nowMillis;
        }
        attempts++;
    }

    @Override
    public String toString() {
        return index + "/" + id + " (" + sizeInBytes() + " bytes" + (rejection == null ? ")" : ", rejected)");
    }
}
