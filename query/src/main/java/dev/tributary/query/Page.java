package dev.tributary.query;

import java.util.List;
import java.util.Map;

/** Offset paging: the query fetched {@code limit + 1} rows, so a next page exists exactly when it got them. */
final class Page {

    private Page() {}

    static Map<String, Object> of(Map<String, Object> answer, List<Map<String, Object>> rowsPlusOne, int limit,
                                  int offset, String itemsName) {
        boolean more = rowsPlusOne.size() > limit;
        answer.put("limit", limit);
        answer.put("offset", offset);
        answer.put(itemsName, more ? rowsPlusOne.subList(0, limit) : rowsPlusOne);
        answer.put("nextOffset", more ? offset + limit : null);
        return answer;
    }
}
