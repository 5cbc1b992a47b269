package io.hubwatch.sink.prometheus;

import com.sun.net.httpserver.HttpServer;
import io.hubwatch.sink.prometheus.internal.RetryingSender;
import io.hubwatch.sink.prometheus.internal.RetryingSender.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry rules of the remote-write specification, against a real HTTP server that answers from a script. */
class RetryingSenderTest {
    private HttpServer server;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong clock = new AtomicLong();
    private final List<Duration> pauses = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", exchange -> {
            seen.add(exchange.getRequestHeaders().getFirst("Content-Encoding") + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            Integer status = script.poll();
            byte[] body = ("scripted " + status).getBytes();
            exchange.sendResponseHeaders(status == null ? 204 : status, status == null || status == 204 ? -1 : body.length);
            if (status != null && status != 204) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private RetryingSender sender(Duration maxRetry) {
        RemoteWriteSettings settings = RemoteWriteSettings.to(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write"))
                .withRetryBackoff(Duration.ofMillis(100), Duration.ofMillis(400))
                .withMaxRetryDuration(maxRetry)
                .withHeader("Authorization", "Bearer t0ken");
        return new RetryingSender(settings, clock::get, d -> {
            pauses.add(d);
            clock.addAndGet(d.toNanos());
        });
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetriedWithDoublingBackoff() throws Exception {
        script.addAll(List.of(500, 503, 429, 204));
        RetryingSender sender = sender(Duration.ofMinutes(1));

        assertThat(sender.send(new byte[] {1, 2}, 2)).isEqualTo(Outcome.SENT);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(sender.retries()).isEqualTo(3);
        assertThat(seen).hasSize(4).allMatch(h -> h.equals("snappy Bearer t0ken"));
    }

    @Test
    void aRefusalIsNotRetried() throws Exception {
        script.add(400);
        RetryingSender sender = sender(Duration.ofMinutes(1));

        assertThat(sender.send(new byte[] {1}, 1)).isEqualTo(Outcome.REFUSED);
        assertThat(seen).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void retryingGivesUpAfterTheMaximumDuration() throws Exception {
        for (int i = 0; i < 50; i++) {
            script.add(502);
        }
        RetryingSender sender = sender(Duration.ofSeconds(1));

        assertThat(sender.send(new byte[] {1}, 1)).isEqualTo(Outcome.GAVE_UP);
        // 100 + 200 + 400 + 400 = 1,100 ms would pass the 1 s budget: three pauses, four attempts
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
        assertThat(seen).hasSize(4);
    }

    @Test
    void anUnreachableReceiverIsRetriedThenGivenUp() throws Exception {
        server.stop(0);
        RetryingSender sender = sender(Duration.ofMillis(250));

        assertThat(sender.send(new byte[] {1}, 1)).isEqualTo(Outcome.GAVE_UP);
        assertThat(pauses).containsExactly(Duration.ofMillis(100));
    }
}
