package dev.tributary.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The API keys a client may present ({@code Authorization: Bearer <key>} or {@code X-Api-Key: <key>}). They come
 * from the environment ({@code TRIBUTARY_INGEST_API_KEYS}, comma-separated) or from a file outside the repository
 * ({@code TRIBUTARY_INGEST_API_KEYS_FILE}, one per line, {@code #} comments); never from arguments (they would show
 * in {@code ps}) and never logged.
 */
public final class ApiKeys {

    static final int MIN_LENGTH = 16;

    private final List<byte[]> keys;

    private ApiKeys(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no API key is configured: set TRIBUTARY_INGEST_API_KEYS (comma-separated) or "
                    + "TRIBUTARY_INGEST_API_KEYS_FILE (a file with one key per line), e.g. a key from `openssl rand -hex 24`");
        }
        for (String key : keys) {
            if (key.length() < MIN_LENGTH) {
                throw new IllegalArgumentException("an API key is shorter than " + MIN_LENGTH + " characters; use long random "
                        + "keys, e.g. from `openssl rand -hex 24`");
            }
        }
        this.keys = keys.stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public static ApiKeys of(List<String> keys) {
        return new ApiKeys(keys);
    }

    /** From {@code TRIBUTARY_INGEST_API_KEYS} and/or the file named by {@code TRIBUTARY_INGEST_API_KEYS_FILE}. */
    public static ApiKeys fromEnvironment(Map<String, String> env) {
        List<String> keys = new ArrayList<>();
        String inline = env.get("TRIBUTARY_INGEST_API_KEYS");
        if (inline != null) {
            Arrays.stream(inline.split(",")).map(String::strip).filter(k -> !k.isEmpty()).forEach(keys::add);
        }
        String file = env.get("TRIBUTARY_INGEST_API_KEYS_FILE");
        if (file != null && !file.isBlank()) {
            try {
                Files.readAllLines(Path.of(file)).stream().map(String::strip)
                        .filter(k -> !k.isEmpty() && !k.startsWith("#")).forEach(keys::add);
            } catch (IOException e) {
                throw new IllegalArgumentException("TRIBUTARY_INGEST_API_KEYS_FILE=" + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new ApiKeys(keys);
    }

    /** Whether the presented key is one of ours; compares every key in constant time, so timing tells nothing. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty()) {
            return false;
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (byte[] key : keys) {
            found |= MessageDigest.isEqual(key, candidate);
        }
        return found;
    }

    /** The key of a request's headers, or null. */
    static String presented(String authorization, String apiKeyHeader) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return apiKeyHeader.strip();
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return null;
    }

    @Override
    public String toString() {
        return keys.size() + " API key(s)";
    }
}
