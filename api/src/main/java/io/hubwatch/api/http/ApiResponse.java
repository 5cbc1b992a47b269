package io.hubwatch.api.http;

/**
 * A status and a body that is written as JSON (null: no body; a {@link Text} is written as it is).
 *
 * <pre>{@code
 * return ApiResponse.of(201, Map.of("id", id));
 * return ApiResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", "hubwatch_up 1\n");
 * }</pre>
 */
public record ApiResponse(int status, Object body) {
    /** A body written verbatim with its content type, e.g. Prometheus' text format. */
    public record Text(String contentType, String text) {}

    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, new Text(contentType, text));
    }

    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }

    public static ApiResponse of(int status, Object body) {
        return new ApiResponse(status, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null);
    }
}
