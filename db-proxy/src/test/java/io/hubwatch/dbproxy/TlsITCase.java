package io.hubwatch.dbproxy;

import io.hubwatch.dbproxy.DbProxyConfig.ClientTls;
import io.hubwatch.dbproxy.DbProxyConfig.ServerTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static io.hubwatch.dbproxy.TestDatabase.PRIMARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS from clients (pgjdbc checking the proxy's self-signed certificate) and to servers. The machine's PostgreSQL has
 * TLS off, so the TLS server the proxy checks is a terminator in front of it: it answers the SSL request, decrypts
 * with its own certificate, and passes the bytes to 127.0.0.1:5432.
 */
class TlsITCase {
    @TempDir
    static Path dir;
    private static TestDatabase db;
    private static TestCertificate cert;

    @BeforeAll
    static void create() throws Exception {
        db = new TestDatabase("dbproxy_tls");
        cert = new TestCertificate(dir, "localhost", "ip:127.0.0.1,dns:localhost");
    }

    @AfterAll
    static void drop() throws Exception {
        db.close();
    }

    private static DbProxyConfig primaryOnly() {
        return DbProxyConfig.of("127.0.0.1", 0, PRIMARY, List.of());
    }

    private static Connection connect(DbProxy proxy, String sslmode) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", sslmode);
        p.setProperty("sslrootcert", cert.certPem.toString());
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + db.name, p);
    }

    private static int one(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void requireServesTlsClientsThatCheckTheCertificateAndRefusesPlaintext() throws Exception {
        DbProxyConfig config = primaryOnly().withTls(DbProxyConfig.Tls.DEFAULT.withClients(ClientTls.REQUIRE, cert.certPem, cert.keyPem));
        try (DbProxy proxy = DbProxy.start(config)) {
            try (Connection c = connect(proxy, "verify-ca")) { // fails unless the handshake shows this certificate
                assertThat(one(c)).isEqualTo(1);
                // transaction pooling goes on as usual over TLS
                c.setAutoCommit(false);
                c.createStatement().execute("CREATE TEMP TABLE t (i int)");
                c.createStatement().execute("INSERT INTO t VALUES (1)");
                c.rollback();
            }
            assertThatThrownBy(() -> connect(proxy, "disable")).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("28000");
                assertThat(e.getMessage()).contains("TLS connections only");
            });
        }
    }

    @Test
    void allowServesBothAndDisableAnswersNo() throws Exception {
        DbProxyConfig allow = primaryOnly().withTls(DbProxyConfig.Tls.DEFAULT.withClients(ClientTls.ALLOW, cert.certPem, cert.keyPem));
        try (DbProxy proxy = DbProxy.start(allow); Connection tls = connect(proxy, "verify-full");
             Connection plain = connect(proxy, "disable")) {
            assertThat(one(tls)).isEqualTo(1);
            assertThat(one(plain)).isEqualTo(1);
        }
        try (DbProxy proxy = DbProxy.start(primaryOnly())) {
            assertThatThrownBy(() -> connect(proxy, "require")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("does not support SSL");
            try (Connection prefer = connect(proxy, "prefer")) {
                assertThat(one(prefer)).isEqualTo(1);
            }
        }
    }

    @Test
    void aKeyThatIsNotPemIsAClearConfigurationError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("broken.key"), "not a key");
        DbProxyConfig config = primaryOnly().withTls(DbProxyConfig.Tls.DEFAULT.withClients(ClientTls.REQUIRE, cert.certPem, notPem));
        assertThatThrownBy(() -> DbProxy.start(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls_key_file").hasMessageContaining("broken.key");
        assertThatThrownBy(() -> DbProxyConfig.Tls.DEFAULT.withClients(ClientTls.REQUIRE, cert.certPem, dir.resolve("missing.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.key does not exist");
    }

    @Test
    void verifyFullReachesATlsServerWhoseCertificateChecksOut() throws Exception {
        try (TlsTerminator terminator = new TlsTerminator(cert.serverContext())) {
            DbProxyConfig.Server server = DbProxyConfig.Server.parse("postgres://postgres@127.0.0.1:" + terminator.port() + "/postgres");
            DbProxyConfig config = DbProxyConfig.of("127.0.0.1", 0, server, List.of())
                    .withTls(DbProxyConfig.Tls.DEFAULT.withServers(ServerTls.VERIFY_FULL, cert.certPem));
            try (DbProxy proxy = DbProxy.start(config); Connection c = connect(proxy, "disable")) {
                assertThat(one(c)).isEqualTo(1);
            }
            assertThat(terminator.handshakes.get()).isPositive();
        }
        // a certificate for another name fails verify-full, with the reason
        TestCertificate other = new TestCertificate(dir, "elsewhere", "dns:elsewhere.invalid");
        try (TlsTerminator terminator = new TlsTerminator(other.serverContext())) {
            DbProxyConfig.Server server = DbProxyConfig.Server.parse("postgres://postgres@127.0.0.1:" + terminator.port() + "/postgres");
            DbProxyConfig config = DbProxyConfig.of("127.0.0.1", 0, server, List.of())
                    .withTls(DbProxyConfig.Tls.DEFAULT.withServers(ServerTls.VERIFY_FULL, other.certPem));
            try (DbProxy proxy = DbProxy.start(config)) {
                assertThatThrownBy(() -> connect(proxy, "disable")).isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08006");
                    assertThat(e.getMessage()).contains("TLS handshake failed");
                });
            }
        }
    }

    @Test
    void requireToAServerWithoutTlsFailsClearly() throws Exception {
        DbProxyConfig config = primaryOnly().withTls(DbProxyConfig.Tls.DEFAULT.withServers(ServerTls.REQUIRE, null));
        try (DbProxy proxy = DbProxy.start(config)) {
            assertThatThrownBy(() -> connect(proxy, "disable")).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("08006");
                assertThat(e.getMessage()).contains("does not accept TLS").contains("server_tls: require");
            });
        }
    }

    /** Answers PostgreSQL's SSL request with 'S', then relays the decrypted stream to the machine's primary. */
    private static final class TlsTerminator implements AutoCloseable {
        final AtomicInteger handshakes = new AtomicInteger();
        private final ServerSocket listener;
        private final SSLContext context;

        TlsTerminator(SSLContext context) throws IOException {
            this.context = context;
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::accept, "tls-terminator");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Thread t = new Thread(() -> serve(client), "tls-terminator-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket raw) {
            try (raw) {
                DataInputStream in = new DataInputStream(raw.getInputStream());
                int len = in.readInt();
                int code = in.readInt();
                if (len != 8 || code != 80877103) {
                    return;
                }
                raw.getOutputStream().write('S');
                raw.getOutputStream().flush();
                SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
                tls.setUseClientMode(false);
                tls.startHandshake();
                handshakes.incrementAndGet();
                try (tls; Socket pg = new Socket(PRIMARY.host(), PRIMARY.port())) {
                    Thread back = new Thread(() -> pipe(pg, tls), "tls-terminator-back");
                    back.setDaemon(true);
                    back.start();
                    pipe(tls, pg);
                    back.join(5000);
                }
            } catch (IOException | InterruptedException e) {
                // the proxy closed its side or the handshake failed: both are for the test to see through the proxy
            }
        }

        private static void pipe(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[16384];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // one side closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
