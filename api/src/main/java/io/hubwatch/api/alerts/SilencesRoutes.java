package io.hubwatch.api.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;
import io.hubwatch.events.Durations;
import io.hubwatch.rules.LabelMatcher;
import io.hubwatch.rules.Silence;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/v1/alerts/silences}: create (POST), list (GET, {@code ?all=true} includes expired ones), get, and expire
 * (DELETE, kept for the record). A body:
 * {@code {"matchers":["host=\"web-1\"","job=~\"api.*\""],"duration":"2h","createdBy":"alice","comment":"deploy"}}
 * ({@code endsAt} instead of {@code duration}; {@code startsAt} defaults to now).
 */
public final class SilencesRoutes implements ApiRoutes {
    private static final String BASE = "/api/v1/alerts/silences";
    private static final Set<String> FIELDS = Set.of("matchers", "startsAt", "endsAt", "duration", "createdBy", "comment");
    private static final int MAX_TEXT = 4096;

    private final SilenceStore store;

    public SilencesRoutes(SilenceStore store) {
        this.store = store;
    }

    @Override
    public void register(Routes routes) {
        routes.get(BASE, this::list);
        routes.post(BASE, this::create);
        routes.get(BASE + "/{id}", this::get);
        routes.delete(BASE + "/{id}", this::expire);
    }

    private ApiResponse list(ApiRequest request) throws Exception {
        request.onlyQueryParams(Set.of("all"));
        String all = request.queryParam("all");
        if (all != null && !all.equals("true") && !all.equals("false")) {
            throw ApiException.badRequest("query parameter 'all' must be true or false, was '" + all + "'", "all");
        }
        Instant now = Instant.now();
        return ApiResponse.ok(Map.of("silences",
                store.list("true".equals(all)).stream().map(s -> s.toJson(now)).toList()));
    }

    private ApiResponse get(ApiRequest request) throws Exception {
        String id = request.pathParam("id");
        return ApiResponse.ok(store.get(id).orElseThrow(() -> unknown(id)).toJson(Instant.now()));
    }

    private ApiResponse create(ApiRequest request) throws Exception {
        Silence draft = parse(request.jsonObject(), Instant.now());
        return ApiResponse.of(201, store.create(draft).toJson(Instant.now()));
    }

    private ApiResponse expire(ApiRequest request) throws Exception {
        String id = request.pathParam("id");
        return ApiResponse.ok(store.expire(id).orElseThrow(() -> unknown(id)).toJson(Instant.now()));
    }

    /** A silence from a request body; 400 listing every bad field. */
    static Silence parse(JsonNode body, Instant now) {
        List<ApiException.Problem> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                problems.add(new ApiException.Problem(name, "unknown field '" + name + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(FIELDS)) + ")"));
            }
        });
        List<LabelMatcher> matchers = new ArrayList<>();
        JsonNode ms = body.get("matchers");
        if (ms == null || !ms.isArray() || ms.isEmpty()) {
            problems.add(new ApiException.Problem("matchers", "field 'matchers': needs a list of at least one matcher "
                    + "such as \"host=\\\"web-1\\\"\" (= != =~ !~)"));
        } else {
            for (int i = 0; i < ms.size(); i++) {
                JsonNode m = ms.get(i);
                try {
                    if (!m.isTextual()) {
                        throw new IllegalArgumentException("must be a text, was " + m);
                    }
                    matchers.add(LabelMatcher.parse(m.asText()));
                } catch (IllegalArgumentException e) {
                    problems.add(new ApiException.Problem("matchers[" + i + "]", "field 'matchers[" + i + "]': " + e.getMessage()));
                }
            }
        }
        Instant startsAt = instant(body, "startsAt", now, problems);
        if (startsAt == null) {
            startsAt = now;
        }
        Instant endsAt = instant(body, "endsAt", now, problems);
        JsonNode d = body.get("duration");
        if (d != null && !d.isNull()) {
            if (endsAt != null) {
                problems.add(new ApiException.Problem("duration", "give either 'endsAt' or 'duration', not both"));
            } else if (!d.isTextual()) {
                problems.add(new ApiException.Problem("duration", "field 'duration': must be a duration such as 2h, was " + d));
            } else if (d.asText().trim().startsWith("-")) {
                problems.add(new ApiException.Problem("duration", "field 'duration': must not be negative, was '" + d.asText() + "'"));
            } else {
                try {
                    Duration duration = Durations.parse(d.asText());
                    if (duration.isZero()) {
                        problems.add(new ApiException.Problem("duration", "field 'duration': must be longer than 0s"));
                    }
                    endsAt = startsAt.plus(duration);
                } catch (IllegalArgumentException e) {
                    problems.add(new ApiException.Problem("duration", "field 'duration': " + e.getMessage()));
                }
            }
        } else if (endsAt == null && problems.stream().noneMatch(p -> "endsAt".equals(p.field()))) {
            problems.add(new ApiException.Problem("endsAt", "give 'endsAt' (ISO-8601) or 'duration' (e.g. 2h)"));
        }
        if (endsAt != null && !endsAt.isAfter(startsAt)) {
            problems.add(new ApiException.Problem("endsAt", "field 'endsAt': " + endsAt + " is not after startsAt " + startsAt));
        } else if (endsAt != null && !endsAt.isAfter(now)) {
            problems.add(new ApiException.Problem("endsAt", "field 'endsAt': " + endsAt + " is in the past"));
        }
        String createdBy = text(body, "createdBy", problems);
        String comment = text(body, "comment", problems);
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return new Silence("new", matchers, startsAt, endsAt, createdBy, comment);
    }

    private static Instant instant(JsonNode body, String field, Instant now, List<ApiException.Problem> problems) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            if (!v.isTextual()) {
                throw new DateTimeParseException("not a text", v.toString(), 0);
            }
            Instant t = Instant.parse(v.asText());
            // Instant reaches year 1,000,000,000 and PostgreSQL does not (a 500), and startsAt + duration overflowed;
            // no silence needs more than the longest duration anything accepts
            Instant latest = now.plus(Durations.MAX);
            if (t.isBefore(Instant.EPOCH) || t.isAfter(latest)) {
                problems.add(new ApiException.Problem(field, "field '" + field + "': " + v.asText()
                        + " is out of range (from " + Instant.EPOCH + " to " + latest.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ")"));
                return null;
            }
            return t;
        } catch (DateTimeParseException e) {
            problems.add(new ApiException.Problem(field, "field '" + field + "': must be an ISO-8601 instant such as "
                    + "2026-11-26T10:00:00Z, was " + v));
            return null;
        }
    }

    private static String text(JsonNode body, String field, List<ApiException.Problem> problems) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            problems.add(new ApiException.Problem(field, "field '" + field + "': a non-empty text is required"));
            return null;
        }
        if (v.asText().length() > MAX_TEXT) {
            problems.add(new ApiException.Problem(field, "field '" + field + "': longer than " + MAX_TEXT + " characters"));
            return null;
        }
        // a NUL reached PostgreSQL (a 500); an escape sequence would reach terminals and notifications
        String bad = io.hubwatch.events.WireText.textProblem(field, v.asText(), MAX_TEXT);
        if (bad != null) {
            problems.add(new ApiException.Problem(field, bad));
            return null;
        }
        return v.asText();
    }

    private static ApiException unknown(String id) {
        return ApiException.notFound("no silence with id '" + id + "'");
    }
}
