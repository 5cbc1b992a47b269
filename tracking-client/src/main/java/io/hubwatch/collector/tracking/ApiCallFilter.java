package io.hubwatch.collector.tracking;

import io.hubwatch.events.ApiCallEvent;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A servlet filter that records every request through an {@link ApiCallTracker}: endpoint, method, status, latency,
 * user and session. The application adds what only it knows as request attributes, before the response completes:
 * {@link #ENDPOINT} (the route template; otherwise the path with numeric and UUID segments replaced by {@code {id}}),
 * {@link #MODEL}, {@link #PROMPT_TOKENS}, {@link #COMPLETION_TOKENS}, {@link #COST}. Async requests are recorded
 * when they complete. The filter never throws because of tracking.
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new ApiCallFilter(tracker)), "/*", EnumSet.of(DispatcherType.REQUEST));
 * // in a handler:
 * request.setAttribute(ApiCallFilter.MODEL, "gpt-4o");
 * request.setAttribute(ApiCallFilter.PROMPT_TOKENS, 120);
 * }</pre>
 */
public final class ApiCallFilter implements Filter {
    public static final String ENDPOINT = "hubwatch.endpoint";
    public static final String MODEL = "hubwatch.model";
    public static final String PROMPT_TOKENS = "hubwatch.promptTokens";
    public static final String COMPLETION_TOKENS = "hubwatch.completionTokens";
    public static final String COST = "hubwatch.cost";
    /** Where the user id comes from when the container has no authenticated user: a request header. */
    public static final String USER_HEADER = "X-User-Id";

    private static final Pattern ID_SEGMENT = Pattern.compile(
            "/(\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})(?=/|$)");

    private final ApiCallTracker tracker;

    public ApiCallFilter(ApiCallTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        long start = System.nanoTime();
        boolean threw = true;
        try {
            chain.doFilter(request, response);
            threw = false;
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(request, response, start, false);
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                        record(request, response, start, true);
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                        record(request, response, start, true);
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record(request, response, start, threw);
            }
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response, long startNanos, boolean failed) {
        try {
            double latencyMs = (System.nanoTime() - startNanos) / 1e6;
            int status = failed && response.getStatus() < 500 ? 500 : response.getStatus();
            String user = request.getRemoteUser() != null ? request.getRemoteUser() : request.getHeader(USER_HEADER);
            HttpSession session = request.getSession(false);
            tracker.record(new ApiCallEvent(System.currentTimeMillis(), endpoint(request), request.getMethod(), status,
                    latencyMs, user, session == null ? null : session.getId(), attribute(request, MODEL),
                    number(request, PROMPT_TOKENS).longValue(), number(request, COMPLETION_TOKENS).longValue(),
                    number(request, COST).doubleValue()));
        } catch (RuntimeException e) {
            // tracking must never break a request; the tracker's counters show what was recorded
        }
    }

    static String endpoint(HttpServletRequest request) {
        String explicit = attribute(request, ENDPOINT);
        if (explicit != null) {
            return explicit;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return ID_SEGMENT.matcher(path.isEmpty() ? "/" : path).replaceAll("/{id}");
    }

    private static String attribute(HttpServletRequest request, String name) {
        Object value = request.getAttribute(name);
        return value == null ? null : value.toString();
    }

    private static Number number(HttpServletRequest request, String name) {
        Object value = request.getAttribute(name);
        if (value instanceof Number n) {
            return n;
        }
        if (value != null) {
            try {
                return Double.parseDouble(value.toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
