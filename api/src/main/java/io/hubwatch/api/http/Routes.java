package io.hubwatch.api.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The API's routing table: a method and a path pattern whose {@code {name}} segments become path parameters.
 *
 * <pre>{@code
 * routes.get("/api/v1/alerts/rules/{id}", handler);
 * Routes.Match m = routes.match("GET", "/api/v1/alerts/rules/high_cpu");   // m.pathParams() = {id=high_cpu}
 * }</pre>
 */
public final class Routes {

    private record Route(String method, String pattern, String[] segments, ApiHandler handler) {}

    /** A route found for a request; {@code pattern} is the route as registered, e.g. {@code /api/v1/rules/{id}}. */
    public record Match(ApiHandler handler, Map<String, String> pathParams, String pattern) {}

    private final List<Route> routes = new ArrayList<>();

    public Routes add(String method, String pattern, ApiHandler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    public Routes get(String pattern, ApiHandler handler) {
        return add("GET", pattern, handler);
    }

    public Routes post(String pattern, ApiHandler handler) {
        return add("POST", pattern, handler);
    }

    public Routes put(String pattern, ApiHandler handler) {
        return add("PUT", pattern, handler);
    }

    public Routes delete(String pattern, ApiHandler handler) {
        return add("DELETE", pattern, handler);
    }

    /**
     * @throws ApiException 404 when no route has this path, 405 naming the allowed methods when only the method differs
     */
    public Match match(String method, String path) {
        String[] parts = split(path);
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = matchPath(r.segments(), parts);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r.handler(), params, r.pattern());
            }
            allowed.add(r.method());
        }
        if (!allowed.isEmpty()) {
            throw new ApiException(405, "method " + method + " is not allowed here (allowed: " + String.join(", ", allowed) + ")");
        }
        throw ApiException.notFound("no such endpoint: " + path);
    }

    private static Map<String, String> matchPath(String[] pattern, String[] parts) {
        if (pattern.length != parts.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                String value;
                try {
                    value = URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("path segment '" + parts[i] + "' is not valid URL encoding", p.substring(1, p.length() - 1));
                }
                if (value.isEmpty()) {
                    return null;
                }
                // an id with a NUL reached PostgreSQL, which refuses it (a 500): refuse it here, with the reason
                String name = p.substring(1, p.length() - 1);
                String bad = io.hubwatch.events.WireText.problem(name, value, io.hubwatch.events.WireText.MAX_TEXT_CHARS);
                if (bad != null) {
                    throw ApiException.badRequest(bad.replaceFirst("^field", "path parameter"), name);
                }
                params.put(p.substring(1, p.length() - 1), value);
            } else if (!p.equals(parts[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.split("/", -1);
    }
}
