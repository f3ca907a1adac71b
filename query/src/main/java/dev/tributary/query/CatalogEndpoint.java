package dev.tributary.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Search of the lake's metadata zone (the {@code catalog} index: one document per stored object). {@code q} is a
 * simple_query_string (it never fails on syntax) over names, keys, owner and content type; {@code contentType},
 * {@code owner}, {@code flow} and {@code zone} filter exactly. Newest first. Pages by {@code offset} (up to 10,000
 * deep) or by the {@code after} token of the previous page (search_after: any depth, stable under new writes).
 */
final class CatalogEndpoint implements Endpoint {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_QUERY_LENGTH = 512;
    private static final List<String> FILTERS = List.of("contentType", "owner", "flow", "zone", "tags");

    private final SearchIndex search;
    private final String catalogIndex;

    CatalogEndpoint(SearchIndex search, String catalogIndex) {
        this.search = search;
        this.catalogIndex = catalogIndex;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        if (!rest.isEmpty()) {
            throw ApiError.notFound("no such resource: /catalog/" + rest + " (search with /catalog?q=...)");
        }
        QueryParams params = QueryParams.parse(rawQuery,
                Set.of("q", "contentType", "owner", "flow", "zone", "tags", "limit", "offset", "after"));
        int limit = params.limit();
        int offset = params.offset();
        String after = params.optional("after");
        if (after != null && offset > 0) {
            throw ApiError.badRequest("after", "cannot be combined with 'offset'");
        }
        if (offset + limit > QueryParams.MAX_WINDOW) {
            throw ApiError.badRequest("offset", "plus 'limit' must be at most " + QueryParams.MAX_WINDOW
                    + "; page deeper with the 'after' token");
        }

        ObjectNode body = JSON.createObjectNode();
        body.put("size", limit).put("track_total_hits", true);
        if (after == null) {
            body.put("from", offset);
        } else {
            body.set("search_after", decodeToken(after));
        }
        ObjectNode bool = body.putObject("query").putObject("bool");
        String q = params.optional("q");
        if (q != null) {
            if (q.length() > MAX_QUERY_LENGTH) {
                throw ApiError.badRequest("q", "must be at most " + MAX_QUERY_LENGTH + " characters");
            }
            ObjectNode sqs = bool.putArray("must").addObject().putObject("simple_query_string");
            sqs.put("query", q).put("default_operator", "and").put("lenient", true);
            sqs.putArray("fields").add("originalName").add("key").add("objectId").add("owner").add("contentType")
                    .add("sha256").add("tags").add("description").add("uploadId");
        }
        ArrayNode filter = bool.putArray("filter");
        for (String f : FILTERS) {
            String v = params.optional(f);
            if (v != null) {
                filter.addObject().putObject("term").put(f, v);
            }
        }
        ArrayNode sort = body.putArray("sort");
        sort.addObject().put("modifiedAt", "desc");
        sort.addObject().put("objectId", "asc");

        JsonNode answer = search.search(catalogIndex, body);
        List<JsonNode> items = new ArrayList<>();
        JsonNode lastSort = null;
        for (JsonNode hit : answer.path("hits").path("hits")) {
            items.add(hit.get("_source"));
            lastSort = hit.get("sort");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("q", q);
        out.put("total", answer.path("hits").path("total").path("value").asLong());
        out.put("limit", limit);
        out.put("offset", after == null ? offset : null);
        out.put("items", items);
        out.put("next", items.size() == limit && lastSort != null ? encodeToken(lastSort) : null);
        return out;
    }

    private static String encodeToken(JsonNode sortValues) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortValues.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The token is the last hit's sort values [modifiedAt millis, objectId]; anything else is refused. */
    private static JsonNode decodeToken(String token) {
        try {
            JsonNode values = JSON.readTree(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            if (values != null && values.isArray() && values.size() == 2 && values.get(0).isIntegralNumber()
                    && values.get(1).isTextual()) {
                return values;
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            // answered below
        }
        throw ApiError.badRequest("after", "is not a 'next' token of this API");
    }
}
