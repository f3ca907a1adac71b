package dev.tributary.operators.lake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the lake door (HTTP upload) knows about an uploaded file that the file cannot say: who owns it, its tags and
 * description, its upload id. The door writes it as JSON beside the file in the landing area, named
 * {@code _<file name>.meta.json} and written first: the leading {@code _} hides it from the landing source (as Flink
 * hides files in progress), and the lake flow, reading the file, finds its metadata already there and catalogues
 * both together ({@code LandingFormat}). The sha256 binds the two: metadata for other bytes is not applied.
 *
 * <p>Every field is bounded here, where both the writer and the reader check it.
 */
public record UploadSidecar(String uploadId, String owner, String originalName, List<String> tags, String description,
                            String sha256, long sizeBytes, String contentType, Instant uploadedAt) {

    /** The largest sidecar read; a larger one is not metadata this door wrote. */
    public static final int MAX_BYTES = 16 * 1024;
    public static final int MAX_TAGS = 20;
    public static final int MAX_DESCRIPTION_CHARS = 2000;
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
    public static final Pattern OWNER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    public static final Pattern UPLOAD_ID = Pattern.compile("[0-9a-f]{32}");
    public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A file name the landing area and every object store take: no path, not hidden, printable. */
    public static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,199}");

    private static final ObjectMapper JSON = new ObjectMapper();

    public UploadSidecar {
        tags = List.copyOf(tags);
        List<String> problems = problems(uploadId, owner, originalName, tags, description);
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            problems.add("sha256 must be 64 lower-case hex digits");
        }
        if (sizeBytes < 1 || contentType == null || contentType.isBlank() || uploadedAt == null) {
            problems.add("size, content type and upload time are required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** What is wrong with an upload's metadata (empty when nothing is): each problem names its field. */
    public static List<String> problems(String uploadId, String owner, String originalName, List<String> tags, String description) {
        List<String> problems = new ArrayList<>();
        if (uploadId == null || !UPLOAD_ID.matcher(uploadId).matches()) {
            problems.add("uploadId must be 32 lower-case hex digits");
        }
        if (owner == null || !OWNER.matcher(owner).matches()) {
            problems.add("owner must be 1-64 of a-z, 0-9, '.', '_', '-'");
        }
        if (originalName == null || !FILE_NAME.matcher(originalName).matches()) {
            problems.add("name must be a file name of 1-200 letters, digits, spaces and ._()+- (no path, not starting with . or _)");
        }
        if (tags.size() > MAX_TAGS) {
            problems.add("at most " + MAX_TAGS + " tags, not " + tags.size());
        }
        for (String tag : tags) {
            if (!TAG.matcher(tag).matches()) {
                problems.add("tag '" + (tag.length() > 80 ? tag.substring(0, 80) + "…" : tag) + "' must be 1-64 of letters, digits, ._:-");
                break;
            }
        }
        if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
            problems.add("description is " + description.length() + " characters, more than " + MAX_DESCRIPTION_CHARS);
        }
        return problems;
    }

    /** The sidecar's name for a landed file's name. */
    public static String sidecarName(String fileName) {
        return "_" + fileName + ".meta.json";
    }

    /** The catalog attributes this metadata adds (the owner goes into the entry's own field). */
    public Map<String, String> attributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("uploadId", uploadId);
        attributes.put("uploadedAt", uploadedAt.toString());
        if (!tags.isEmpty()) {
            attributes.put("tags", String.join(",", tags));
        }
        if (description != null && !description.isEmpty()) {
            attributes.put("description", description);
        }
        return attributes;
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("uploadId", uploadId).put("owner", owner).put("originalName", originalName);
        ArrayNode tagArray = node.putArray("tags");
        tags.forEach(tagArray::add);
        node.put("description", description).put("sha256", sha256).put("sizeBytes", sizeBytes)
                .put("contentType", contentType).put("uploadedAt", uploadedAt.toString());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a sidecar; throws IllegalArgumentException naming what is wrong. */
    public static UploadSidecar parse(byte[] json) {
        if (json.length > MAX_BYTES) {
            throw new IllegalArgumentException("sidecar of " + json.length + " bytes is larger than " + MAX_BYTES);
        }
        try {
            JsonNode node = JSON.readTree(json);
            List<String> tags = new ArrayList<>();
            node.path("tags").forEach(t -> tags.add(t.asText()));
            return new UploadSidecar(node.path("uploadId").asText(null), node.path("owner").asText(null),
                    node.path("originalName").asText(null), tags,
                    node.hasNonNull("description") ? node.get("description").asText() : null,
                    node.path("sha256").asText(null), node.path("sizeBytes").asLong(-1),
                    node.path("contentType").asText(null), Instant.parse(node.path("uploadedAt").asText("")));
        } catch (IOException | DateTimeParseException e) {
            throw new IllegalArgumentException("sidecar is not valid upload metadata: " + e.getMessage(), e);
        }
    }
}
