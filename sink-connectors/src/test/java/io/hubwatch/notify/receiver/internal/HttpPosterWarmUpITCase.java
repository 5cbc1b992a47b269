package io.hubwatch.notify.receiver.internal;

import com.sun.net.httpserver.HttpServer;
import io.hubwatch.notify.config.TargetPolicy;
import io.hubwatch.notify.delivery.TargetGuard;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The warm-up request: one POST to the given local address, read to its end, and never longer than its timeout. */
class HttpPosterWarmUpITCase {
    private final Vertx vertx = Vertx.vertx();
    private final HttpPoster poster = new HttpPoster(vertx, new TargetGuard(new TargetPolicy(false, List.of())));

    @AfterEach
    void close() {
        poster.close();
        vertx.close();
    }

    @Test
    void itPostsOnceToTheGivenAddressEvenWhereDeliveriesToLoopbackAreRefused() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"status\":\"up\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try {
            poster.warmUp("127.0.0.1", server.getAddress().getPort(), Duration.ofSeconds(10));
            assertThat(seen).containsExactly("POST /health {}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatNeverAnswersEndsItAtItsTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> poster.warmUp("127.0.0.1", silent.getLocalPort(), Duration.ofMillis(300)))
                    .isInstanceOf(Exception.class);
        }
    }
}
