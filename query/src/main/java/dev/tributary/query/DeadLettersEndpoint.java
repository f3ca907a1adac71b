package dev.tributary.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The newest dead letters with their reasons and source offsets (Kafka, the job's dead-letter topic). */
final class DeadLettersEndpoint implements Endpoint {

    private final DeadLetterTail tail;

    DeadLettersEndpoint(DeadLetterTail tail) {
        this.tail = tail;
    }

    @Override
    public Object get(String rest, String rawQuery) {
        Endpoint.requireNoSubresource(rest, "/dead-letters");
        QueryParams params = QueryParams.parse(rawQuery, Set.of("reasonCode", "limit"));
        String reasonCode = params.optionalCode("reasonCode", "MALFORMED_JSON");
        int limit = params.limit();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("deadLetters", tail.newest(limit, reasonCode));
        answer.put("limit", limit);
        return answer;
    }
}
