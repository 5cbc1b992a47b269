package io.hubwatch.dbproxy;

import com.sun.net.httpserver.HttpServer;
import io.hubwatch.dbproxy.internal.Engine;
import io.hubwatch.dbproxy.internal.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The PostgreSQL routing proxy: clients speak PostgreSQL's protocol to it as to a server; it pools server connections
 * (per transaction or per session), sends reads to healthy replicas that have caught up with the session's last write
 * and everything else to the primary, moves reads off a failing replica without the client noticing, and reports its
 * pools, replicas and the primary database on {@code /metrics}.
 *
 * <pre>{@code
 * try (DbProxy proxy = DbProxy.start(DbProxyConfig.load(Path.of("proxy.yaml")))) {
 *     // jdbc:postgresql://127.0.0.1:<proxy.port()>/hubwatch
 * }
 * }</pre>
 *
 * <p>One event loop thread runs every client and server connection, as PgBouncer does: no locks on the hot path, and
 * the machine's other cores stay with PostgreSQL.
 */
public final class DbProxy implements AutoCloseable {
    private final EventLoopGroup group;
    private final Engine engine;
    private final Channel listener;
    private final HttpServer admin;

    private DbProxy(EventLoopGroup group, Engine engine, Channel listener, HttpServer admin) {
        this.group = group;
        this.engine = engine;
        this.listener = listener;
        this.admin = admin;
    }

    public static DbProxy start(DbProxyConfig config) throws InterruptedException, IOException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transport.ioHandler());
        Engine engine = new Engine(config, group.next());
        engine.start();
        Channel listener;
        try {
            listener = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("session", engine.newSession());
                        }
                    })
                    .bind(config.listenHost(), config.listenPort()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            engine.close();
            group.shutdownGracefully();
            throw e;
        }
        HttpServer admin = null;
        if (config.adminListen() != null) {
            String a = config.adminListen();
            int colon = a.lastIndexOf(':');
            admin = HttpServer.create(new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))), 16);
            admin.createContext("/metrics", exchange -> {
                byte[] body;
                int status = 200;
                try {
                    body = engine.metrics().getBytes(StandardCharsets.UTF_8);
                } catch (Exception e) {
                    status = 500;
                    body = ("metrics unavailable: " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(status, body.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(body);
                }
            });
            admin.start();
        }
        return new DbProxy(group, engine, listener, admin);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The port of the {@code /metrics} endpoint, or -1 when there is none. */
    public int adminPort() {
        return admin == null ? -1 : admin.getAddress().getPort();
    }

    /** The same text {@code /metrics} serves. */
    public String metrics() throws Exception {
        return engine.metrics();
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.stop(0);
        }
        listener.close().syncUninterruptibly();
        engine.close();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
