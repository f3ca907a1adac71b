package dev.tributary.operators.assets;

import java.util.Optional;

/**
 * Tells a file's media type from its first bytes (magic numbers), because a server's Content-Type header and an
 * announcement's declared type are only claims. Knows the types field teams receive: images, video, PDF.
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
