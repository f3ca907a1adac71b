package dev.tributary.pipeline.lake;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** A content type for a stored object: from its first bytes where they are a known signature, else its name. */
public final class ContentTypes {

    /** How many leading bytes {@link #sniff} needs at most. */
    public static final int SNIFF_BYTES = 8;

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("csv", "text/csv"), Map.entry("json", "application/json"),
            Map.entry("jsonl", "application/x-ndjson"), Map.entry("ndjson", "application/x-ndjson"),
            Map.entry("txt", "text/plain"), Map.entry("avro", "application/avro"),
            Map.entry("parquet", "application/vnd.apache.parquet"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("mp4", "video/mp4"),
            Map.entry("pdf", "application/pdf"), Map.entry("gz", "application/gzip"), Map.entry("zip", "application/zip"));

    private ContentTypes() {}

    public static String sniff(byte[] head, int length, String name) {
        byte[] h = Arrays.copyOf(head, Math.max(0, Math.min(length, head.length)));
        if (startsWith(h, 0x89, 'P', 'N', 'G')) {
            return "image/png";
        }
        if (startsWith(h, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(h, '%', 'P', 'D', 'F')) {
            return "application/pdf";
        }
        if (startsWith(h, 0x1F, 0x8B)) {
            return "application/gzip";
        }
        if (startsWith(h, 'P', 'K', 3, 4)) {
            return "application/zip";
        }
        if (startsWith(h, 'O', 'b', 'j', 1)) {
            return "application/avro";
        }
        if (startsWith(h, 'P', 'A', 'R', '1')) {
            return "application/vnd.apache.parquet";
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }

    private static boolean startsWith(byte[] head, int... signature) {
        if (head.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((head[i] & 0xFF) != (signature[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

}
