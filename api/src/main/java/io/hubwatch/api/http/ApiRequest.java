package io.hubwatch.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One authenticated request, its body already read (within the size limit). Handlers run on a worker thread, so they
 * may block (JDBC, Kafka acknowledgements).
 *
 * <pre>{@code
 * String id = request.pathParam("id");
 * JsonNode body = request.jsonObject();   // 400 "malformed JSON ..." when it is not a JSON object
 * }</pre>
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams,
                         Map<String, List<String>> query, byte[] body) {

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** The single value of a query parameter, or null; 400 when it is given twice. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest("query parameter '" + name + "' is given " + values.size() + " times", name);
        }
        return values.get(0);
    }

    /** 400 naming the first query parameter that is not one of {@code known}. */
    public void onlyQueryParams(Set<String> known) {
        for (String name : query.keySet()) {
            if (!known.contains(name)) {
                throw ApiException.badRequest("unknown query parameter '" + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")", name);
            }
        }
    }

    /** The body as a JSON object: 400 when it is empty, malformed or not an object. */
    public JsonNode jsonObject() {
        if (body.length == 0) {
            throw ApiException.badRequest("the request needs a JSON object body", null);
        }
        JsonNode node;
        try {
            node = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            String what = e.getOriginalMessage() == null ? "" : ": " + e.getOriginalMessage();
            throw ApiException.badRequest("malformed JSON" + where + clip(what), null);
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object, was "
                    + (node == null ? "empty" : node.getNodeType().name().toLowerCase()), null);
        }
        return node;
    }

    private static String clip(String s) {
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
