package io.hubwatch.api.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import io.hubwatch.rules.Rule;
import io.hubwatch.rules.RuleFileException;
import io.hubwatch.rules.RuleFiles;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/alerts/rules}: create (POST, 409 on a duplicate id), list, get, replace or create (PUT), delete. Bodies
 * are one rule in the rule-file format as JSON, e.g.
 * {@code {"id":"high_cpu","metric":"cpu_usage","op":">","threshold":80,"for":"5m","severity":"warning"}}.
 */
public final class AlertRulesRoutes implements ApiRoutes {
    private static final Pattern FIELD = Pattern.compile("field '([^']+)'");
    private static final String BASE = "/api/v1/alerts/rules";

    private final RuleStore store;

    public AlertRulesRoutes(RuleStore store) {
        this.store = store;
    }

    @Override
    public void register(Routes routes) {
        routes.get(BASE, this::list);
        routes.post(BASE, this::create);
        routes.get(BASE + "/{id}", this::get);
        routes.put(BASE + "/{id}", this::put);
        routes.delete(BASE + "/{id}", this::delete);
    }

    private ApiResponse list(ApiRequest request) throws Exception {
        request.onlyQueryParams(java.util.Set.of());
        return ApiResponse.ok(Map.of("rules", store.list().stream().map(StoredRule::toJson).toList()));
    }

    private ApiResponse get(ApiRequest request) throws Exception {
        String id = request.pathParam("id");
        return ApiResponse.ok(store.get(id).orElseThrow(() -> unknown(id)).toJson());
    }

    private ApiResponse create(ApiRequest request) throws Exception {
        Rule rule = parse(request.jsonObject());
        try {
            return ApiResponse.of(201, store.create(rule).toJson());
        } catch (RuleStore.AlreadyExistsException e) {
            throw new ApiException(409, e.getMessage() + " (use PUT " + BASE + "/" + rule.id() + " to replace it)", "id", null);
        }
    }

    private ApiResponse put(ApiRequest request) throws Exception {
        String id = request.pathParam("id");
        JsonNode body = request.jsonObject();
        JsonNode bodyId = body.get("id");
        if (bodyId == null || bodyId.isNull()) {
            ((ObjectNode) body).put("id", id);
        } else if (!bodyId.isTextual() || !bodyId.asText().equals(id)) {
            throw ApiException.badRequest("the body's id " + bodyId + " differs from the id in the path '" + id + "'", "id");
        }
        RuleStore.PutResult result = store.put(parse(body));
        return ApiResponse.of(result.created() ? 201 : 200, result.stored().toJson());
    }

    private ApiResponse delete(ApiRequest request) throws Exception {
        String id = request.pathParam("id");
        if (!store.delete(id)) {
            throw unknown(id);
        }
        return ApiResponse.noContent();
    }

    /** Parses a rule body; 400 with one problem per bad field, each naming the field. */
    static Rule parse(JsonNode body) {
        try {
            return RuleFiles.parseRule(body, "request body");
        } catch (RuleFileException e) {
            List<ApiException.Problem> problems = e.problems().stream().map(p -> {
                Matcher m = FIELD.matcher(p);
                return new ApiException.Problem(m.find() ? m.group(1) : null, p);
            }).toList();
            throw ApiException.invalid(problems.isEmpty() ? List.of(new ApiException.Problem(null, "invalid rule")) : problems);
        }
    }

    private static ApiException unknown(String id) {
        return ApiException.notFound("no rule with id '" + id + "'");
    }
}
