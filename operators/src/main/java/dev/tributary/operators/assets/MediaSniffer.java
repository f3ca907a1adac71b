package dev.tributary.operators.assets;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tells a file's media type from its first bytes (magic numbers), because a server's Content-Type header, an
 * announcement's declared type and a file name are only claims. {@link #sniff} knows the types field teams
 * receive (images, video, PDF); {@link #contentTypeOf} also the data formats files landed in the lake come in,
 * and falls back to the file name. The one sniffer of the project.
 */
public final class MediaSniffer {

    /** Bytes needed to recognise every known type. */
    public static final int PREFIX_LENGTH = 12;

    private MediaSniffer() {}

    /** The detected type, or empty when the prefix matches no known type (or is too short to tell). */
    public static Optional<String> sniff(byte[] prefix, int length) {
        if (startsWith(prefix, length, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("image/jpeg");
        }
        if (startsWith(prefix, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("image/png");
        }
        if (startsWith(prefix, length, 0, 'G', 'I', 'F', '8', '7', 'a') || startsWith(prefix, length, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return Optional.of("image/gif");
        }
        if (startsWith(prefix, length, 0, 'R', 'I', 'F', 'F') && startsWith(prefix, length, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of("image/webp");
        }
        if (startsWith(prefix, length, 4, 'f', 't', 'y', 'p')) {
            return Optional.of("video/mp4");
        }
        if (startsWith(prefix, length, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            return Optional.of("video/webm");
        }
        if (startsWith(prefix, length, 0, '%', 'P', 'D', 'F', '-')) {
            return Optional.of("application/pdf");
        }
        return Optional.empty();
    }

    /** Content types by file name extension, for files whose first bytes match no signature (text formats). */
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("csv", "text/csv"), Map.entry("json", "application/json"),
            Map.entry("jsonl", "application/x-ndjson"), Map.entry("ndjson", "application/x-ndjson"),
            Map.entry("txt", "text/plain"), Map.entry("avro", "application/avro"),
            Map.entry("parquet", "application/vnd.apache.parquet"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("mp4", "video/mp4"),
            Map.entry("pdf", "application/pdf"), Map.entry("gz", "application/gzip"), Map.entry("zip", "application/zip"));

    /**
     * The content type of a stored object (the lake's catalog): its media type or data format by signature, else by
     * the extension of {@code name}, else {@code application/octet-stream}.
     */
    public static String contentTypeOf(byte[] prefix, int length, String name) {
        Optional<String> media = sniff(prefix, length);
        if (media.isPresent()) {
            return media.get();
        }
        if (startsWith(prefix, length, 0, 0x1F, 0x8B)) {
            return "application/gzip";
        }
        if (startsWith(prefix, length, 0, 'P', 'K', 3, 4)) {
            return "application/zip";
        }
        if (startsWith(prefix, length, 0, 'O', 'b', 'j', 1)) {
            return "application/avro";
        }
        if (startsWith(prefix, length, 0, 'P', 'A', 'R', '1')) {
            return "application/vnd.apache.parquet";
        }
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return BY_EXTENSION.getOrDefault(ext, "application/octet-stream");
    }

    /** The usual file extension of a detected type, for delivered file names. */
    public static String extension(String mediaType) {
        return switch (mediaType) {
            case "image/jpeg" -> "jpg";
            case "image/png" -> "png";
            case "image/gif" -> "gif";
            case "image/webp" -> "webp";
            case "video/mp4" -> "mp4";
            case "video/webm" -> "webm";
            case "application/pdf" -> "pdf";
            default -> "bin";
        };
    }

    private static boolean startsWith(byte[] data, int length, int offset, int... magic) {
        if (length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((data[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
