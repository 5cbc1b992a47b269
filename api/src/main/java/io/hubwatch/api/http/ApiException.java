package io.hubwatch.api.http;

import java.util.List;

/**
 * A request the API refuses, with the HTTP status and the body {@code {"error": ..., "field": ...}}; with several
 * problems (a rule with three bad fields) also {@code "problems": [{"field": ..., "error": ...}, ...]}.
 *
 * <pre>{@code
 * throw ApiException.badRequest("must be a positive number, was '-1'", "hours");
 * }</pre>
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String field;
    private final List<Problem> problems;

    /** One problem with one field (field may be null). */
    public record Problem(String field, String error) {}

    public ApiException(int status, String error, String field, List<Problem> problems) {
        super(error, null, false, false);
        this.status = status;
        this.field = field;
        this.problems = problems == null ? List.of() : List.copyOf(problems);
    }

    public ApiException(int status, String error) {
        this(status, error, null, null);
    }

    public static ApiException badRequest(String error, String field) {
        return new ApiException(400, error, field, null);
    }

    public static ApiException notFound(String error) {
        return new ApiException(404, error);
    }

    /** 400 listing every problem; the first one is also the top-level error. */
    public static ApiException invalid(List<Problem> problems) {
        Problem first = problems.get(0);
        return new ApiException(400, first.error(), first.field(), problems);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public List<Problem> problems() {
        return problems;
    }
}
