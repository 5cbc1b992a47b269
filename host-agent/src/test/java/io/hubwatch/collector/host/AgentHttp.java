package io.hubwatch.collector.host;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubwatch.events.EventJson;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to the agent's endpoint over real HTTP, as Prometheus or a load balancer would. */
final class AgentHttp {
    // HTTP/1.1 as Prometheus scrapes (the JDK client otherwise tries an h2c upgrade first); a generous timeout because
    // these tests check what the agent answers, not how fast: the CI machine ran at load 20 when 5 s timed out once
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private AgentHttp() {}

    static HttpResponse<String> get(HostAgent agent, String path) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create(agent.httpAddress() + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static JsonNode health(HostAgent agent) {
        try {
            return EventJson.mapper().readTree(get(agent, "/health").body());
        } catch (IOException e) {
            throw new AssertionError("/health is not JSON: " + e, e);
        }
    }

    /** The sum of every sample of a Prometheus metric (all label sets) in a scrape. */
    static double prometheusSum(String scrape, String metric) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError(metric + " is not in the scrape:\n" + scrape);
        }
        return sum;
    }
}
