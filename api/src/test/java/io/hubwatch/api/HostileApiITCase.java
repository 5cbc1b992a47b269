package io.hubwatch.api;

import io.hubwatch.embedded.EmbeddedKafka;
import io.hubwatch.testing.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an outside probe of the running API got wrong (issue 11): each answer is a 4xx naming the parameter or
 * field, never a 500 (PostgreSQL refusing a NUL or an instant out of its range) nor a request left unanswered.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HostileApiITCase {
    private static final String TOKEN = "hostile-token-0123456789abcdef";
    private static final String SILENCES = "/api/v1/alerts/silences";

    static ApiServer api;
    static TestHttp http;

    @BeforeAll
    static void start(EmbeddedKafka kafka) throws Exception {
        kafka.createTopics(EmbeddedKafka.hubwatchTopics(1));
        api = ApiServer.start(ApiConfig.of(TestHttp.freshDatabase("hubwatch_it_api_hostile"), kafka.bootstrapServers(), TOKEN)
                .withDefaultRules(false));
        http = new TestHttp(api.address(), TOKEN);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aQueryStringThatIsNotValidUrlEncodingIsAnswered400NotLeftHanging() throws Exception {
        // the JDK's client refuses to send such a URI, as a careless client would not: a raw request
        try (java.net.Socket socket = new java.net.Socket(api.address().getHost(), api.address().getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /api/v1/alerts/incidents?hours=%zz HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("URL encoding");
        }
    }

    @Test
    void aClientThatSendsAnOversizedBodyWholeBeforeReadingGetsThe413NotAReset() throws Exception {
        // CI once saw "header parser received no bytes": the API answered 413 and closed the connection with the body
        // still arriving, and the kernel's reset overtook the answer. This client sends its body in pieces a little
        // apart, as a slow uplink does, so a connection closed early resets its next write every time; with a declared
        // length and chunked.
        byte[] body = ("{\"id\":\"x\",\"pad\":\"" + "p".repeat(200 * 1024) + "\"}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 2; attempt++) {
            for (boolean chunked : new boolean[] {false, true}) {
                try (java.net.Socket socket = new java.net.Socket(api.address().getHost(), api.address().getPort())) {
                    socket.setSoTimeout(10_000);
                    var out = socket.getOutputStream();
                    out.write(("POST /api/v1/alerts/rules HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + TOKEN
                            + "\r\nContent-Type: application/json\r\n"
                            + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n")
                            + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    for (int at = 0; at < body.length; at += 16384) {
                        int n = Math.min(16384, body.length - at);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                        out.write(body, at, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        }
                        out.flush();
                        Thread.sleep(20);
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    }
                    out.flush();
                    String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    assertThat(answer).as("chunked=" + chunked).startsWith("HTTP/1.1 413").contains("larger than 65536 bytes");
                }
            }
        }
        assertThat(http.get("/api/v1/alerts/rules/x").status()).as("the API still answers").isEqualTo(404);
    }

    @Test
    void aNulInAPathIdOrAQueryParameterIs400NamingIt() throws Exception {
        for (String path : new String[] {"/api/v1/alerts/rules/a%00b", SILENCES + "/%00",
                "/api/v1/alerts/incidents?rule=a%00b"}) {
            TestHttp.Reply reply = http.get(path);
            assertThat(reply.status()).as(path + " " + reply.body()).isEqualTo(400);
            assertThat(reply.body()).as(path).contains("NUL");
        }
        TestHttp.Reply delete = http.delete(SILENCES + "/%00");
        assertThat(delete.status()).as(delete.body()).isEqualTo(400);
    }

    @Test
    void aSilenceWithAnInstantPostgresqlCannotStoreOrANulInItsTextsIs400() throws Exception {
        String[] bodies = {
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"duration\":\"1h\",\"startsAt\":\"+1000000000-12-31T23:59:59Z\",\"createdBy\":\"p\",\"comment\":\"c\"}",
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"startsAt\":\"-100000-01-01T00:00:00Z\",\"endsAt\":\"2030-01-01T00:00:00Z\",\"createdBy\":\"p\",\"comment\":\"c\"}",
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"endsAt\":\"+100000-01-01T00:00:00Z\",\"createdBy\":\"p\",\"comment\":\"c\"}",
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"duration\":\"1h\",\"createdBy\":\"a\\u0000\",\"comment\":\"c\"}",
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"duration\":\"1h\",\"createdBy\":\"p\",\"comment\":\"a\\u0000\"}",
                "{\"matchers\":[\"host=\\\"a\\\"\"],\"duration\":\"1h\",\"createdBy\":\"p\",\"comment\":\"\\u001b[31mred\"}",
        };
        for (String body : bodies) {
            TestHttp.Reply reply = http.post(SILENCES, body);
            assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(400);
            assertThat(reply.json().get("field").isNull()).as(reply.body()).isFalse();
        }
    }
}
