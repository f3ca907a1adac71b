package dev.tributary.sinks.assets;

import java.io.IOException;
import java.io.InputStream;

/**
 * The body of a response the downloader does not keep (an error, a redirect): read and dropped up to a small
 * bound. A body that goes on past it is not read further; the caller cancels the call, which closes the
 * connection. (Reading to the end, as HTTP clients do to reuse a connection, would let a hostile server's error
 * body, which need not have an end, hold a download thread.)
 */
final class BoundedDiscard {

    /** Enough for any honest error page to be drained (so its connection can be reused), small next to a download. */
    static final long MAX_BYTES = 64 * 1024;

    private BoundedDiscard() {}

    /** Reads and drops up to {@code maxBytes}; true when the body ended within them. */
    static boolean drain(InputStream body, long maxBytes) {
        byte[] buffer = new byte[8192];
        long read = 0;
        try {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                read += n;
                if (read > maxBytes) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false; // the status line already said what went wrong; the body adds nothing
        }
    }
}
