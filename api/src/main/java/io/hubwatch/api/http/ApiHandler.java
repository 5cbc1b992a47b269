package io.hubwatch.api.http;

/**
 * Handles one route. Runs on a worker thread; throw {@link ApiException} to refuse a request. Any other exception
 * becomes a 500 with a generic message (the details go to the log, never to the caller).
 *
 * <pre>{@code
 * routes.get("/api/v1/alerts/rules/{id}", request -> ApiResponse.ok(store.get(request.pathParam("id"))));
 * }</pre>
 */
@FunctionalInterface
public interface ApiHandler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
