package io.hubwatch.dbproxy.internal;

import io.hubwatch.dbproxy.DbProxyConfig;
import io.hubwatch.dbproxy.DbProxyConfig.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The proxy's shared state: pools, replica health, users, and the sessions by cancel key. Event-loop confined. */
public final class Engine implements AutoCloseable {
    final DbProxyConfig config;
    final EventLoop loop;
    final ReplicaMonitor monitor;
    final TlsContexts tls;
    final Map<Pool.Key, Pool> pools = new LinkedHashMap<>();
    final Map<Integer, ClientSession> sessionsByPid = new HashMap<>();
    final Map<String, String> users; // user -> clear password or SCRAM verifier
    final LongAdder clients = new LongAdder();
    final LongAdder clientsTotal = new LongAdder();
    private final AtomicInteger nextPid = new AtomicInteger(Scram.RANDOM.nextInt(1 << 20) + 1000);
    private int roundRobin;

    public Engine(DbProxyConfig config, EventLoop loop) {
        this.config = config;
        this.loop = loop;
        this.tls = new TlsContexts(config.tls());
        this.monitor = new ReplicaMonitor(config.primary(), config.replicas(), config.maxReplicaLag(), config.tls());
        this.users = config.usersFile() == null ? Map.of() : readUsers(config.usersFile());
    }

    private MetricsFeed feed;

    public void start() {
        monitor.start();
        if (config.metricsKafka() != null) {
            feed = new MetricsFeed(this, config.metricsKafka(), config.metricsInterval());
        }
    }

    public ChannelInboundHandlerAdapter newSession() {
        return new ClientSession(this);
    }

    int newPid() {
        return nextPid.incrementAndGet();
    }

    Pool primary(String database, String user) {
        return pool(config.primary(), "primary", database, user);
    }

    Pool replica(int index, String database, String user) {
        return pool(config.replicas().get(index), "replica", database, user);
    }

    private Pool pool(Server server, String role, String database, String user) {
        Pool.Key key = new Pool.Key(server.host(), server.port(), database, user);
        return pools.computeIfAbsent(key, k -> {
            String password = users.getOrDefault(user, "");
            if (password.isEmpty() || password.startsWith("SCRAM-SHA-256$")) {
                password = server.password();
            }
            return new Pool(loop, k, password, role, config.poolSize(), config.queryWaitTimeout(), new PoolStats(), tls);
        });
    }

    /**
     * A replica for a read, round-robin among the healthy ones that have replayed at least {@code minLsn} (the
     * session's last commit), or -1 for the primary.
     */
    int pickReplica(long minLsn) {
        int n = monitor.replicas.size();
        for (int i = 0; i < n; i++) {
            ReplicaMonitor.Replica r = monitor.replicas.get(Math.floorMod(roundRobin++, n));
            if (r.healthy && r.replayLsn >= minLsn) {
                return r.index;
            }
        }
        return -1;
    }

    void replicaFailed(int index, String database, String user, String why) {
        monitor.replicas.get(index).markDown(why);
        replica(index, database, user).closeIdle();
    }

    /** Forwards a client's cancel request to the server its query runs on. */
    void cancel(int pid, int secret) {
        ClientSession s = sessionsByPid.get(pid);
        ServerConn target = s == null || s.secret != secret ? null : s.server;
        if (target == null) {
            return;
        }
        new Bootstrap().group(loop).channel(Transport.socketChannel()).handler(new ChannelInboundHandlerAdapter())
                .connect(target.pool.key.host(), target.pool.key.port()).addListener((ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        ByteBuf b = f.channel().alloc().buffer(16);
                        b.writeInt(16).writeInt(Wire.CANCEL_REQUEST).writeInt(target.backendPid).writeInt(target.backendSecret);
                        f.channel().writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
                    }
                });
    }

    /** Prometheus text: pools, clients, replicas and the primary database's statistics. */
    public String metrics() throws Exception {
        return loop.submit(() -> new MetricsText(this).render()).get();
    }

    /** Lines {@code "user" "password-or-verifier"}, as PgBouncer's userlist.txt. */
    static Map<String, String> readUsers(java.nio.file.Path file) {
        Pattern line = Pattern.compile("^\\s*\"([^\"]+)\"\\s+\"([^\"]*)\"");
        Map<String, String> out = new HashMap<>();
        try {
            int n = 0;
            for (String l : Files.readAllLines(file)) {
                n++;
                if (l.isBlank() || l.strip().startsWith(";") || l.strip().startsWith("#")) {
                    continue;
                }
                Matcher m = line.matcher(l);
                if (!m.find()) {
                    throw new IllegalArgumentException(file + " line " + n + " is not \"user\" \"password\"");
                }
                out.put(m.group(1), m.group(2));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read users_file " + file + ": " + e.getMessage());
        }
        return out;
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        monitor.close();
    }
}
