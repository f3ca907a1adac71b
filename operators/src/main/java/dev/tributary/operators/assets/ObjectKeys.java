package dev.tributary.operators.assets;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** How the job names its objects. Ids in keys come from input records, so they are made safe here. */
public final class ObjectKeys {

    private static final int MAX_SEGMENT = 200;

    private ObjectKeys() {}

    /** The namespace of downloaded asset blobs, in the object store. */
    public static final String ASSET_BLOBS = "assets";
    /** The namespace of landed files, in the lake's raw zone. */
    public static final String RAW_OBJECTS = "objects";

    /**
     * Content-addressed key {@code <namespace>/sha256/<hex>}: the same bytes always land on the same key, so replays
     * rewrite, never add.
     */
    public static String contentAddressed(String namespace, String sha256Hex) {
        if (!namespace.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("not a plain namespace: " + namespace);
        }
        if (!sha256Hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a lowercase hex sha256: " + sha256Hex);
        }
        return namespace + "/sha256/" + sha256Hex;
    }

    /** Where an edge finds a delivered asset: {@code edges/<edgeId>/assets/<assetId>/<file>}. */
    public static String edgeOutbox(String edgeId, String assetId, String fileName) {
        return "edges/" + segment(edgeId) + "/assets/" + segment(assetId) + "/" + segment(fileName);
    }

    /**
     * The file name an edge receives: the URL's last path segment, given the extension of the detected type when
     * it has none; {@code asset.<ext>} when the URL has no usable name.
     */
    public static String fileName(String url, String contentType) {
        String ext = MediaSniffer.extension(contentType);
        String name = "";
        try {
            String path = java.net.URI.create(url).getPath();
            if (path != null) {
                name = path.substring(path.lastIndexOf('/') + 1);
            }
        } catch (IllegalArgumentException e) {
            name = "";
        }
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (name.length() > 120) {
            name = name.substring(name.length() - 120);
        }
        if (name.isEmpty() || name.chars().allMatch(c -> c == '.')) {
            return "asset." + ext;
        }
        return name.contains(".") ? name : name + "." + ext;
    }

    /**
     * One key segment from untrusted text: characters other than letters, digits, '.', '_' and '-' are
     * percent-encoded (so '/' cannot add a level) and an all-dots segment is encoded too (so '..' cannot climb
     * out of a local store's directory). Distinct inputs stay distinct.
     */
    public static String segment(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty key segment");
        }
        StringBuilder sb = new StringBuilder();
        boolean allDots = text.chars().allMatch(c -> c == '.');
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || (c == '.' && !allDots);
            if (plain) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        if (sb.length() > MAX_SEGMENT) {
            throw new IllegalArgumentException("key segment longer than " + MAX_SEGMENT + " characters: " + text);
        }
        return sb.toString();
    }
}
