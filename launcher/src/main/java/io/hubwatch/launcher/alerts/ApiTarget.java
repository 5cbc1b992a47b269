package io.hubwatch.launcher.alerts;

import picocli.CommandLine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubwatch.launcher.UpState;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

/**
 * Where the alerts API is and how to call it: {@code --api URL --token TOKEN}, or the running {@code up}'s address
 * (from {@code .hubwatch/up.json}) and token (from {@code .hubwatch/api-token}). A picocli mixin.
 *
 * <pre>{@code
 * @Mixin ApiTarget api;
 * ApiTarget.Reply r = api.call("GET", "/api/v1/alerts/rules", null);
 * }</pre>
 */
public final class ApiTarget {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--api", paramLabel = "URL", description = "The alerts API (default: the running 'hubwatch up')")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Bearer token (default: .hubwatch/api-token of the running 'up')")
    String token;

    /** An answer: the status and the JSON body (a missing body reads as an empty object). */
    public record Reply(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        /**
         * Reports a refusal on the command's error stream: true when the call failed (the command then exits 1).
         */
        public boolean failed(CommandLine.Model.CommandSpec spec) {
            if (ok()) {
                return false;
            }
            spec.commandLine().getErr().println("hubwatch: " + error());
            return true;
        }

        /** The error text of a refusal, with one line per problem when there are several. */
        public String error() {
            StringBuilder sb = new StringBuilder(body.path("error").asText("HTTP " + status));
            if (body.path("problems").size() > 1) {
                body.get("problems").forEach(p -> sb.append("\n  ").append(p.path("error").asText()));
            }
            return sb.toString();
        }
    }

    URI base() {
        String url = api;
        if (url == null || url.isBlank()) {
            url = UpState.running().map(s -> s.endpoints().get("api")).orElseThrow(() -> new IllegalArgumentException(
                    "no --api given and no running 'hubwatch up' with an API found (" + UpState.file() + ")"));
        }
        try {
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--api '" + url + "' is not a URL such as http://127.0.0.1:8080");
        }
    }

    String token() {
        if (token != null && !token.isBlank()) {
            return token;
        }
        try {
            return ApiTokenFile.read();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no --token given and no token file " + ApiTokenFile.path()
                    + " (it is written by 'hubwatch up')");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + ApiTokenFile.path() + ": " + e.getMessage());
        }
    }

    /** Calls the API; connection problems become a one-line explanation. */
    public Reply call(String method, String path, String jsonBody) {
        URI base = base();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token())
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : readOrWrap(r.body());
            return new Reply(r.statusCode(), body);
        } catch (ConnectException e) {
            throw new IllegalArgumentException("cannot reach the alerts API at " + base + " (is 'hubwatch up' running?)");
        } catch (IOException e) {
            throw new IllegalArgumentException("calling the alerts API at " + base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static JsonNode readOrWrap(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode().put("error", text.length() > 200 ? text.substring(0, 200) : text);
        }
    }
}
