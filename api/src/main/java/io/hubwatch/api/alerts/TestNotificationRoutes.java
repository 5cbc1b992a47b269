package io.hubwatch.api.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.api.TestNotifications;
import io.hubwatch.api.http.ApiException;
import io.hubwatch.api.http.ApiRequest;
import io.hubwatch.api.http.ApiResponse;
import io.hubwatch.api.http.ApiRoutes;
import io.hubwatch.api.http.Routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/alerts/test-notification} with {@code {"message": "...", "channels": ["ops-webhook"]}}: sends a
 * test through each named receiver and answers {@code {"results": {"ops-webhook": "delivered"}}} (or the error per
 * channel). 409 when no notifier runs ({@code up} without {@code --notify}).
 */
public final class TestNotificationRoutes implements ApiRoutes {
    private static final Set<String> FIELDS = Set.of("message", "channels");

    private final TestNotifications sender;

    public TestNotificationRoutes(TestNotifications sender) {
        this.sender = sender;
    }

    @Override
    public void register(Routes routes) {
        routes.post("/api/v1/alerts/test-notification", this::send);
    }

    private ApiResponse send(ApiRequest request) {
        if (sender == null) {
            throw new ApiException(409, "no notifier is configured; start 'bin/hubwatch up --notify ROUTING_FILE' to send "
                    + "test notifications");
        }
        JsonNode body = request.jsonObject();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                throw ApiException.badRequest("unknown field '" + name + "' (known: channels, message)", name);
            }
        });
        JsonNode message = body.get("message");
        if (message != null && !message.isNull() && !message.isTextual()) {
            throw ApiException.badRequest("field 'message': must be a text", "message");
        }
        JsonNode channels = body.get("channels");
        if (channels == null || !channels.isArray() || channels.isEmpty()) {
            throw ApiException.badRequest("field 'channels': needs a list of receiver names", "channels");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode c : channels) {
            if (!c.isTextual() || c.asText().isBlank()) {
                throw ApiException.badRequest("field 'channels': every entry must be a receiver name, was " + c, "channels");
            }
            names.add(c.asText());
        }
        Map<String, String> results = sender.send(message == null || message.isNull() ? null : message.asText(), names);
        return ApiResponse.ok(Map.of("results", results));
    }
}
