package dev.tributary.pipeline.lake;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads text line by line, like {@link java.io.BufferedReader#readLine()}, but refuses a line longer than a bound:
 * a landed file is untrusted, and one endless line would otherwise be buffered whole and exhaust the heap.
 */
final class BoundedLines {

    /** A line above the bound; only its beginning is kept. */
    static final class LineTooLongException extends IOException {
        private final String start;

        LineTooLongException(int maxChars, String start) {
            super("line longer than " + maxChars + " characters");
            this.start = start;
        }

        /** The line's first characters (for the dead letter). */
        String start() {
            return start;
        }
    }

    private static final int KEPT_CHARS = 1024;

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;

    BoundedLines(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its terminator (\n, \r\n or \r), or null at the end. */
    String next() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? line.toString() : null;
                }
            }
            any = true;
            char c = buffer[position++];
            if (c == '\n') {
                return line.toString();
            }
            if (c == '\r') {
                if (position == limit) {
                    limit = Math.max(0, in.read(buffer, 0, buffer.length));
                    position = 0;
                }
                if (position < limit && buffer[position] == '\n') {
                    position++;
                }
                return line.toString();
            }
            if (line.length() == maxChars) {
                throw new LineTooLongException(maxChars, line.substring(0, KEPT_CHARS));
            }
            line.append(c);
        }
    }
}
