package io.hubwatch.dbproxy;

import io.hubwatch.events.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL proxy's settings: the {@code postgres:} section of a proxy configuration file (the cache proxy's file
 * may hold both sections).
 *
 * <pre>{@code
 * postgres:
 *   listen: 127.0.0.1:6432
 *   primary: postgres://postgres@127.0.0.1:5432/hubwatch
 *   replicas: [postgres://postgres@127.0.0.1:5433/hubwatch]
 *   pool_mode: transaction        # or session
 *   pool_size: 20                 # server connections per server, database and user
 *   auth: trust                   # local development only; or scram with users_file
 *   max_replica_lag: 5s
 *   tls: require                  # to clients: disable (default), allow, or require (plaintext refused)
 *   tls_cert_file: server.crt     # PEM certificate chain the proxy shows clients
 *   tls_key_file: server.key      # its PEM private key (PKCS#8, unencrypted)
 *   server_tls: prefer            # to servers, as libpq's sslmode: disable, prefer (default), require,
 *   server_tls_ca_file: root.crt  #   verify-ca or verify-full (these two check the server against this CA file)
 *   metrics_kafka: 127.0.0.1:9092 # publish db_* metrics to the metrics topic (alert rules can watch them)
 *   metrics_interval: 10s
 *
 * DbProxyConfig config = DbProxyConfig.load(Path.of("proxy.yaml"));   // null when the file has no postgres: section
 * }</pre>
 *
 * <p>Clients choose the database and user; the proxy opens its server connections with them on the primary's and the
 * replicas' hosts. The DSNs' user and password are the health checker's, and the server password when a client's
 * user has none in the users file.
 *
 * @param listenHost       address the proxy binds
 * @param listenPort       port (0 picks a free one)
 * @param primary          the primary server
 * @param replicas         read replicas (may be empty)
 * @param poolMode         {@code transaction}: a server connection per transaction; {@code session}: per client
 * @param poolSize         server connections per server, database and user
 * @param auth             {@code trust} or {@code scram} (SCRAM-SHA-256 against {@code usersFile})
 * @param usersFile        lines {@code "user" "password"}, the password in clear or a SCRAM-SHA-256 verifier
 * @param maxReplicaLag    a replica further behind than this gets no reads until it catches up
 * @param queryWaitTimeout how long a client waits for a free server connection before an error (SQLSTATE 53300)
 * @param adminListen      {@code host:port} of the HTTP endpoint with {@code /metrics}, or null for none
 * @param tls              TLS to clients and to servers
 * @param metricsKafka     Kafka bootstrap servers to publish the {@code db_*} metrics to (topic {@code metrics}), or null
 * @param metricsInterval  how often those metrics are published
 */
public record DbProxyConfig(String listenHost, int listenPort, Server primary, List<Server> replicas, PoolMode poolMode,
                            int poolSize, Auth auth, Path usersFile, Duration maxReplicaLag, Duration queryWaitTimeout,
                            String adminListen, Tls tls, String metricsKafka, Duration metricsInterval) {

    public enum PoolMode { TRANSACTION, SESSION }

    public enum Auth { TRUST, SCRAM }

    /** TLS from clients: none (SSLRequest answered 'N'), when the client asks, or always (plaintext refused). */
    public enum ClientTls { DISABLE, ALLOW, REQUIRE }

    /** TLS to servers, as libpq's {@code sslmode}. */
    public enum ServerTls {
        DISABLE, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

        /** The name in the configuration file (and pgjdbc's {@code sslmode}). */
        public String setting() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * TLS settings.
     *
     * @param clients      TLS from clients
     * @param certFile     PEM certificate chain shown to clients (needed unless {@code clients} is DISABLE)
     * @param keyFile      its PEM private key, PKCS#8, unencrypted
     * @param servers      TLS to the primary and the replicas
     * @param serverCaFile PEM certificates that servers' certificates must chain to (for VERIFY_CA and VERIFY_FULL)
     */
    public record Tls(ClientTls clients, Path certFile, Path keyFile, ServerTls servers, Path serverCaFile) {
        /** No TLS from clients; to servers when they offer it (libpq's default). */
        public static final Tls DEFAULT = new Tls(ClientTls.DISABLE, null, null, ServerTls.PREFER, null);

        public Tls {
            if (clients != ClientTls.DISABLE && (certFile == null || keyFile == null)) {
                throw new IllegalArgumentException("postgres.tls: " + clients.name().toLowerCase(java.util.Locale.ROOT)
                        + " needs postgres.tls_cert_file and postgres.tls_key_file");
            }
            if ((servers == ServerTls.VERIFY_CA || servers == ServerTls.VERIFY_FULL) && serverCaFile == null) {
                throw new IllegalArgumentException("postgres.server_tls: " + servers.setting() + " needs postgres.server_tls_ca_file");
            }
            for (Path f : new Path[] {certFile, keyFile, serverCaFile}) {
                if (f != null && !Files.isReadable(f)) {
                    throw new IllegalArgumentException("postgres TLS file " + f + " does not exist or cannot be read");
                }
            }
        }

        /** TLS from clients with this certificate and key; servers as before. */
        public Tls withClients(ClientTls mode, Path cert, Path key) {
            return new Tls(mode, cert, key, servers, serverCaFile);
        }

        public Tls withServers(ServerTls mode, Path caFile) {
            return new Tls(clients, certFile, keyFile, mode, caFile);
        }
    }

    /** One PostgreSQL server, from {@code postgres://user[:password]@host[:port]/database}. */
    public record Server(String host, int port, String user, String password, String database) {
        public static Server parse(String dsn) {
            URI uri;
            try {
                uri = URI.create(dsn);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + dsn + "' is not a postgres:// URL: " + e.getMessage());
            }
            if (!Set.of("postgres", "postgresql").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("'" + dsn + "' is not a postgres://user@host:port/database URL");
            }
            String userInfo = uri.getUserInfo() == null ? "postgres" : uri.getUserInfo();
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            String password = colon < 0 ? "" : userInfo.substring(colon + 1);
            String path = uri.getPath() == null || uri.getPath().length() <= 1 ? user : uri.getPath().substring(1);
            return new Server(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password, path);
        }

        public String address() {
            return host + ":" + port;
        }

        public String jdbcUrl(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    public DbProxyConfig {
        replicas = List.copyOf(replicas);
        if (poolSize < 1) {
            throw new IllegalArgumentException("postgres.pool_size must be at least 1, not " + poolSize);
        }
        if (auth == Auth.SCRAM && usersFile == null) {
            throw new IllegalArgumentException("postgres.auth: scram needs postgres.users_file");
        }
        if (tls == null) {
            tls = Tls.DEFAULT;
        }
        if (metricsInterval == null) {
            metricsInterval = Duration.ofSeconds(10);
        }
        if (metricsInterval.isZero() || metricsInterval.isNegative()) {
            throw new IllegalArgumentException("postgres.metrics_interval must be positive, not " + metricsInterval);
        }
    }

    /** Trust, transaction pooling, pool size 20, lag limit 5 s, wait 5 s, no admin endpoint, {@link Tls#DEFAULT}. */
    public static DbProxyConfig of(String listenHost, int listenPort, Server primary, List<Server> replicas) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, PoolMode.TRANSACTION, 20, Auth.TRUST, null,
                Duration.ofSeconds(5), Duration.ofSeconds(5), null, Tls.DEFAULT, null, Duration.ofSeconds(10));
    }

    /** Publishes the {@code db_*} metrics to Kafka's {@code metrics} topic at {@code bootstrapServers} every {@code interval}. */
    public DbProxyConfig withMetricsKafka(String bootstrapServers, Duration interval) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, poolMode, poolSize, auth, usersFile,
                maxReplicaLag, queryWaitTimeout, adminListen, tls, bootstrapServers, interval);
    }

    public DbProxyConfig withTls(Tls tls) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, poolMode, poolSize, auth, usersFile,
                maxReplicaLag, queryWaitTimeout, adminListen, tls, metricsKafka, metricsInterval);
    }

    public DbProxyConfig withPool(PoolMode mode, int size) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, mode, size, auth, usersFile, maxReplicaLag,
                queryWaitTimeout, adminListen, tls, metricsKafka, metricsInterval);
    }

    public DbProxyConfig withAuth(Auth auth, Path usersFile) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, poolMode, poolSize, auth, usersFile,
                maxReplicaLag, queryWaitTimeout, adminListen, tls, metricsKafka, metricsInterval);
    }

    public DbProxyConfig withTimeouts(Duration maxReplicaLag, Duration queryWaitTimeout) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, poolMode, poolSize, auth, usersFile,
                maxReplicaLag, queryWaitTimeout, adminListen, tls, metricsKafka, metricsInterval);
    }

    public DbProxyConfig withAdminListen(String adminListen) {
        return new DbProxyConfig(listenHost, listenPort, primary, replicas, poolMode, poolSize, auth, usersFile,
                maxReplicaLag, queryWaitTimeout, adminListen, tls, metricsKafka, metricsInterval);
    }

    private static final Set<String> KEYS = Set.of("listen", "primary", "replicas", "pool_mode", "pool_size", "auth",
            "users_file", "max_replica_lag", "query_wait_timeout", "admin_listen", "tls", "tls_cert_file", "tls_key_file",
            "server_tls", "server_tls_ca_file", "metrics_kafka", "metrics_interval");

    /** The {@code postgres:} section of a YAML file, or null when there is none. */
    public static DbProxyConfig load(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
        JsonNode pg = root == null ? null : root.get("postgres");
        if (pg == null || pg.isNull()) {
            return null;
        }
        try {
            return fromSection(pg, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    static DbProxyConfig fromSection(JsonNode pg, Path base) {
        for (Iterator<String> it = pg.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("postgres." + key + " is not a setting (known: " + new java.util.TreeSet<>(KEYS) + ")");
            }
        }
        String listen = text(pg, "listen", "127.0.0.1:6432");
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("postgres.listen '" + listen + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("postgres.listen '" + listen + "' has no port number");
        }
        String primary = text(pg, "primary", null);
        if (primary == null) {
            throw new IllegalArgumentException("postgres.primary is missing (postgres://user@host:port/database)");
        }
        List<Server> replicas = new ArrayList<>();
        if (pg.has("replicas")) {
            pg.get("replicas").forEach(r -> replicas.add(Server.parse(r.asText())));
        }
        PoolMode mode = switch (text(pg, "pool_mode", "transaction")) {
            case "transaction" -> PoolMode.TRANSACTION;
            case "session" -> PoolMode.SESSION;
            default -> throw new IllegalArgumentException("postgres.pool_mode '" + text(pg, "pool_mode", "") + "' is not transaction or session");
        };
        Auth auth = switch (text(pg, "auth", "trust")) {
            case "trust" -> Auth.TRUST;
            case "scram" -> Auth.SCRAM;
            default -> throw new IllegalArgumentException("postgres.auth '" + text(pg, "auth", "") + "' is not trust or scram");
        };
        String users = text(pg, "users_file", null);
        ClientTls clientTls = switch (text(pg, "tls", "disable")) {
            case "disable" -> ClientTls.DISABLE;
            case "allow" -> ClientTls.ALLOW;
            case "require" -> ClientTls.REQUIRE;
            default -> throw new IllegalArgumentException("postgres.tls '" + text(pg, "tls", "") + "' is not disable, allow or require");
        };
        String serverTlsText = text(pg, "server_tls", "prefer");
        ServerTls serverTls = java.util.Arrays.stream(ServerTls.values()).filter(m -> m.setting().equals(serverTlsText))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("postgres.server_tls '" + serverTlsText
                        + "' is not disable, prefer, require, verify-ca or verify-full"));
        Tls tls = new Tls(clientTls, file(pg, "tls_cert_file", base), file(pg, "tls_key_file", base), serverTls,
                file(pg, "server_tls_ca_file", base));
        return new DbProxyConfig(listen.substring(0, colon), port, Server.parse(primary), replicas, mode,
                pg.has("pool_size") ? pg.get("pool_size").asInt() : 20, auth, users == null ? null : base.resolve(users),
                duration(pg, "max_replica_lag", "5s"), duration(pg, "query_wait_timeout", "5s"), text(pg, "admin_listen", null),
                tls, text(pg, "metrics_kafka", null), duration(pg, "metrics_interval", "10s"));
    }

    private static Path file(JsonNode node, String key, Path base) {
        String value = text(node, key, null);
        return value == null ? null : base.resolve(value);
    }

    private static String text(JsonNode node, String key, String fallback) {
        return node.hasNonNull(key) ? node.get(key).asText() : fallback;
    }

    private static Duration duration(JsonNode node, String key, String fallback) {
        String value = text(node, key, fallback);
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("postgres." + key + " '" + value + "': " + e.getMessage());
        }
    }
}
