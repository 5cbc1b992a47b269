package io.hubwatch.dbproxy;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that leave state behind, pipeline their goodbye, or send malformed requests: each gets what PostgreSQL would
 * give it, and the clients after it on the same pooled server connections see nothing of it.
 */
class HostileClientsITCase {
    private static TestDatabase db;
    private static DbProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        db = new TestDatabase("dbproxy_hostile");
        db.exec(PRIMARY, "CREATE TABLE notes (id int PRIMARY KEY, v text)");
        db.awaitReplicaCaughtUp();
        // two server connections: the next clients are sure to get the ones the first client used
        proxy = DbProxy.start(db.proxyConfig().withPool(DbProxyConfig.PoolMode.TRANSACTION, 2));
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        db.close();
    }

    @Test
    void sessionStateOfOneClientDoesNotReachTheNext() throws Exception {
        try (Connection c = db.viaProxy(proxy); Statement s = c.createStatement()) {
            s.execute("SET search_path = nowhere");
            s.execute("SELECT pg_advisory_lock(4242)");
            s.execute("CREATE TEMP TABLE secret_scratch (v text)");
            c.setAutoCommit(false);
            s.execute("SET statement_timeout = '4242s'"); // set in a transaction, it outlives the commit
            c.commit();
        }
        for (int i = 0; i < 6; i++) {
            try (Connection c = db.viaProxy(proxy); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("/* hubwatch:primary */ SELECT current_setting('search_path'), "
                         + "current_setting('statement_timeout'), "
                         + "(SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242), "
                         + "(SELECT count(*) FROM pg_class WHERE relname = 'secret_scratch' AND relpersistence = 't'), "
                         + "(SELECT count(*) FROM notes)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("\"$user\", public");
                assertThat(rs.getString(2)).isEqualTo("0");
                assertThat(rs.getInt(3)).as("advisory lock still held").isZero();
                assertThat(rs.getInt(4)).as("temporary table still there").isZero();
            }
        }
    }

    @Test
    void aTerminateSentRightAfterAQueryEndsTheSessionAfterTheQuery() throws Exception {
        String answer = raw(cat(startup(), query("INSERT INTO notes VALUES (1, 'pipelined')"), message('X', new byte[0])));
        assertThat(answer).contains("INSERT 0 1");
        try (Connection c = TestDatabase.direct(PRIMARY, db.name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM notes WHERE id = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("pipelined");
        }
    }

    @Test
    void aClientLeavingMidTransactionLeavesNothingOpen() throws Exception {
        String answer = raw(cat(startup(), query("BEGIN"), query("INSERT INTO notes VALUES (2, 'never committed')"),
                message('X', new byte[0])));
        assertThat(answer).contains("INSERT 0 1");
        for (int i = 0; i < 4; i++) {
            try (Connection c = db.viaProxy(proxy); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("/* hubwatch:primary */ SELECT count(*), txid_current_if_assigned() "
                         + "FROM notes WHERE id = 2")) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
                assertThat(rs.getString(2)).as("a transaction left open").isNull();
            }
        }
    }

    @Test
    void aShortCancelRequestIsRefusedByName() throws Exception {
        assertThat(raw(ints(12, 80877102, 1234))).contains("C08P01").contains("a cancel request is 16 bytes")
                .doesNotContain("index:");
    }

    @Test
    void aHugeMessageBeforeAuthenticationIsRefusedWithoutBufferingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path users = java.nio.file.Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"s3cret\"\n");
        try (DbProxy scram = DbProxy.start(DbProxyConfig.of("127.0.0.1", 0, PRIMARY, java.util.List.of())
                .withAuth(DbProxyConfig.Auth.SCRAM, users))) {
            // a SASL response declared 64 MiB long: the proxy would wait for (and hold) all of it before reading it
            byte[] sasl = cat(new byte[] {'p'}, ints((64 << 20) - 1), "SCRAM-SHA-256\0".getBytes(StandardCharsets.UTF_8));
            assertThat(raw(scram.port(), cat(startup(), sasl))).contains("C08P01")
                    .contains("at most 65536 bytes before authentication").doesNotContain("<<no end>>");
        }
    }

    private static String raw(byte[] bytes) throws IOException {
        return raw(proxy.port(), bytes);
    }

    private static String raw(int port, byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] b = new byte[8192];
            try {
                for (int n; (n = in.read(b)) > 0; ) {
                    out.write(b, 0, n);
                }
            } catch (SocketTimeoutException e) {
                out.write("<<no end>>".getBytes(StandardCharsets.ISO_8859_1));
            }
            return out.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] startup() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String s : new String[] {"user", "postgres", "database", db.name}) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        byte[] body = b.toByteArray();
        return ByteBuffer.allocate(8 + body.length).putInt(8 + body.length).putInt(196608).put(body).array();
    }

    private static byte[] query(String sql) {
        return message('Q', (sql + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
