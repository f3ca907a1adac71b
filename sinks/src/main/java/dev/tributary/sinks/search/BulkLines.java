package dev.tributary.sinks.search;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Renders {@link SearchAction}s as {@code _bulk} NDJSON lines (action/metadata line, then source line). */
public final class BulkLines {

    private static final byte[] EMPTY = new byte[0];

    private BulkLines() {}

    public static SearchRequestEntry render(SearchAction action, VersionType versionType) {
        String opName = action.op() == SearchAction.Op.INDEX ? "index" : "delete";
        StringBuilder line = new StringBuilder(64 + action.index().length() + action.id().length());
        line.append("{\"").append(opName).append("\":{\"_index\":");
        appendJsonString(line, action.index());
        line.append(",\"_id\":");
        appendJsonString(line, action.id());
        if (action.version() != null) {
            line.append(",\"version\":").append(action.version().longValue())
                    .append(",\"version_type\":\"").append(versionType.wireName()).append('"');
        }
        line.append("}}\n");
        byte[] actionLine = line.toString().getBytes(StandardCharsets.UTF_8);
        byte[] sourceLine = action.source() == null ? EMPTY : sourceLine(action.source());
        return new SearchRequestEntry(action.index(), action.id(), actionLine, sourceLine);
    }

    /**
     * The source as one line. In valid JSON a raw CR or LF can only be insignificant whitespace (inside
     * strings they must be escaped), so replacing them with spaces keeps the document and makes a
     * pretty-printed source safe for NDJSON instead of corrupting the rest of the bulk request.
     */
    static byte[] sourceLine(byte[] source) {
        byte[] line = java.util.Arrays.copyOf(source, source.length + 1); // one bulk copy; then a read-only scan
        for (int i = 0; i < source.length; i++) {
            byte b = source[i];
            if (b == '\n' || b == '\r') {
                line[i] = ' ';
            }
        }
        line[source.length] = '\n';
        return line;
    }

    /** Appends {@code value} as a JSON string literal (RFC 8259 escaping). */
    static void appendJsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Concatenates entries into one body (used by tests and by single-document isolation). */
    static byte[] body(Iterable<SearchRequestEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (SearchRequestEntry e : entries) {
            out.writeBytes(e.actionLine());
            out.writeBytes(e.sourceLine());
        }
        return out.toByteArray();
    }
}
