package io.hubwatch.api;

import io.hubwatch.events.EventJson;
import io.hubwatch.storage.Database;
import io.hubwatch.testing.TopicReader;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Test helpers: HTTP calls against a running API, a fresh database, and reading a compacted topic. */
final class TestHttp {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body) {
        JsonNode json() {
            return EventJson.read(body.getBytes(), JsonNode.class);
        }
    }

    private final URI base;
    private final String token;

    TestHttp(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    Reply get(String path) throws Exception {
        return send("GET", path, null, token);
    }

    Reply delete(String path) throws Exception {
        return send("DELETE", path, null, token);
    }

    Reply post(String path, String body) throws Exception {
        return send("POST", path, body, token);
    }

    Reply put(String path, String body) throws Exception {
        return send("PUT", path, body, token);
    }

    Reply send(String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    /** A new, empty database of this name on the local server. */
    static Database freshDatabase(String name) throws Exception {
        Database db = Database.defaults().withDatabaseName(name);
        try (Connection c = Database.defaults().withDatabaseName("postgres").connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        db.ensureDatabase();
        return db;
    }

    /** Every record on a (one-partition) topic from the beginning, in order: key and value (null = tombstone). */
    static List<Map.Entry<String, String>> records(String bootstrap, String topic) {
        return TopicReader.readToEnd(bootstrap, topic, r -> new java.util.AbstractMap.SimpleEntry<>(r.key(),
                r.value() == null ? null : TopicReader.text(r)), Duration.ofSeconds(30));
    }

    /** The values published for one key, in order (null = tombstone). */
    static List<String> valuesFor(String bootstrap, String topic, String key) {
        return records(bootstrap, topic).stream().filter(e -> key.equals(e.getKey())).map(Map.Entry::getValue).toList();
    }
}
