package io.hubwatch.launcher.notify;

import com.sun.net.httpserver.HttpServer;
import io.hubwatch.launcher.Hubwatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hubwatch notify test} against a real local HTTP receiver. */
class NotifyTestCommandITCase {
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Hubwatch.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aTestMessageThroughAWebhookChannelIsDeliveredOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routing.yml");
        Files.writeString(file, """
                hubwatch: { allow_loopback: true }
                route: { receiver: ops }
                receivers:
                  - name: ops
                    webhook_configs: [{ url: 'http://127.0.0.1:%d/hook' }]
                """.formatted(server.getAddress().getPort()));

        Run run = run("notify", "test", "--config", file.toString(), "--channel", "ops", "--message", "hello ops");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("ops: delivered" + System.lineSeparator());
        assertThat(bodies).singleElement().satisfies(b -> assertThat(b).contains("\"version\":\"4\"", "hello ops"));
    }

    @Test
    void aBadRoutingFileIsRejectedNamingTheReceiverAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("routing.yml");
        Files.writeString(file, """
                route: { receiver: ops }
                receivers:
                  - name: ops
                    webhook_configs: [{ url: 'http://169.254.169.254/latest' }]
                """);

        Run run = run("notify", "test", "--config", file.toString(), "--channel", "ops");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("receiver 'ops': webhook_configs[0]: field 'url': target 169.254.169.254 is a cloud metadata address");
        assertThat(bodies).isEmpty();
    }
}
