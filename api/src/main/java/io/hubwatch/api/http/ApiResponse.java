package io.hubwatch.api.http;

/**
 * A status and a body that is written as JSON (null: no body).
 *
 * <pre>{@code
 * return ApiResponse.of(201, Map.of("id", id));
 * }</pre>
 */
public record ApiResponse(int status, Object body) {
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
