package dev.tributary.sinks.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code _bulk} response body into one {@link BulkItemResult} per request item.
 *
 * <p>Streams the body (a response for thousands of documents is large) and only builds a tree for the
 * rare {@code error} objects. Elasticsearch 7/8/9 and OpenSearch 1/2/3 share this response shape.
 */
public final class BulkResponseParser {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private BulkResponseParser() {}

    /** Thrown when the body is not a bulk response (e.g. a proxy's error page). */
    public static final class MalformedResponseException extends IOException {
        public MalformedResponseException(String message) {
            super(message);
        }
    }

    public static List<BulkItemResult> parse(byte[] body) throws IOException {
        List<BulkItemResult> items = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("bulk response is not a JSON object: " + preview(body));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if ("items".equals(field)) {
                    items = readItems(p);
                } else {
                    p.skipChildren();
                }
            }
        }
        if (items == null) {
            throw new MalformedResponseException("bulk response has no items: " + preview(body));
        }
        return items;
    }

    private static List<BulkItemResult> readItems(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new MalformedResponseException("bulk response items is not an array");
        }
        List<BulkItemResult> items = new ArrayList<>();
        while (p.nextToken() == JsonToken.START_OBJECT) {
            if (p.nextToken() != JsonToken.FIELD_NAME) {
                throw new MalformedResponseException("bulk response item without an operation");
            }
            String op = p.currentName();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedResponseException("bulk response item " + op + " is not an object");
            }
            String id = null;
            int status = -1;
            String errorType = null;
            String reason = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "_id" -> id = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "status" -> status = p.getIntValue();
                    case "error" -> {
                        if (value == JsonToken.START_OBJECT) {
                            JsonNode error = MAPPER.readTree(p);
                            errorType = error.path("type").asText(null);
                            reason = describe(error);
                        } else {
                            reason = p.getText();
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            // end of the item object
            p.nextToken();
            if (status < 0) {
                throw new MalformedResponseException("bulk response item " + op + "/" + id + " has no status");
            }
            items.add(BulkItemResult.of(op, id, status, errorType, reason));
        }
        return items;
    }

    /** "type: reason; caused by type: reason" — what an operator needs to fix a mapping problem. */
    static String describe(JsonNode error) {
        StringBuilder s = new StringBuilder();
        s.append(error.path("type").asText("error")).append(": ").append(error.path("reason").asText(""));
        JsonNode cause = error.path("caused_by");
        int depth = 0;
        while (cause.isObject() && depth++ < 3) {
            s.append("; caused by ").append(cause.path("type").asText("error")).append(": ")
                    .append(cause.path("reason").asText(""));
            cause = cause.path("caused_by");
        }
        return s.toString();
    }

    /** A bounded, printable excerpt of a response body for error messages. */
    static String preview(byte[] body) {
        int n = Math.min(body.length, 512);
        String text = new String(body, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        return n < body.length ? text + "..." : text;
    }

    /** The reason of a whole-request error body ({"error":{...},"status":400}), or a preview of the body. */
    static String requestErrorReason(byte[] body) {
        try {
            JsonNode root = MAPPER.readTree(body);
            JsonNode error = root.path("error");
            if (error.isObject()) {
                return describe(error);
            }
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // fall through to the raw preview: the body was not JSON (a proxy's page, say)
        }
        return preview(body);
    }
}
