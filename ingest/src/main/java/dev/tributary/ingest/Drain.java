package dev.tributary.ingest;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads and drops part of a refused request's body before it is answered: a client still sending would otherwise
 * hit a reset connection (a broken pipe) instead of reading why it was refused. Bounded, so a huge body is not read.
 */
public final class Drain {

    private Drain() {}

    public static void atMost(InputStream in, long bytes) throws IOException {
        byte[] sink = new byte[64 * 1024];
        long left = bytes;
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }
}
