package dev.tributary.query;

/** One resource of the API: answers a GET of {@code <prefix><rest>?<rawQuery>} with a value Jackson renders. */
interface Endpoint {

    /**
     * @param rest     the path after the endpoint's prefix, percent-decoded; empty for the collection itself
     * @param rawQuery the query string, still percent-encoded (null when absent)
     */
    Object get(String rest, String rawQuery);

    /** For a collection without sub-resources: anything after its path is a 404 naming the collection. */
    static void requireNoSubresource(String rest, String collection) {
        if (!rest.isEmpty()) {
            throw ApiError.notFound("no such resource: " + collection + "/" + rest);
        }
    }
}
