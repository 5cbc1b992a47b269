package io.hubwatch.dbproxy.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.hubwatch.dbproxy.DbProxyConfig;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One connection to a PostgreSQL server, opened and authenticated by the proxy, then lent to one client at a time.
 * Runs on the proxy's single event loop, like everything else, so its state needs no locks.
 */
final class ServerConn {
    /** Who receives this connection's messages while it is lent out. */
    interface Owner {
        /** A whole frame, {@code buf[start, start + length)}, borrowed: retain a slice to keep it past this read. */
        void onServerFrame(ServerConn conn, ByteBuf buf, int start, int length);

        /** The end of the frames of one read: whatever still refers to their bytes must retain them now. */
        void onServerFramesEnd(ServerConn conn);

        void onServerReadComplete(ServerConn conn);

        void onServerGone(ServerConn conn, String reason);
    }

    final Pool pool;
    final Channel channel;
    final Map<String, String> parameters = new LinkedHashMap<>();
    /** Prepared statements (by their shared names) that exist on this connection. */
    final Set<String> prepared = new HashSet<>();
    int backendPid;
    int backendSecret;
    Owner owner;
    boolean broken;
    long lentAtNanos;

    private ServerConn(Pool pool, Channel channel) {
        this.pool = pool;
        this.channel = channel;
    }

    /** Connects, authenticates and waits for the first ReadyForQuery; then {@code ready} gets the connection. */
    static void open(EventLoop loop, Pool pool, Consumer<ServerConn> ready, BiConsumer<String, String> failed) {
        Bootstrap b = new Bootstrap().group(loop).channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // the handlers come once connected: TLS negotiation first, or the startup exchange at once
                    }
                });
        b.connect(pool.key.host(), pool.key.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                failed.accept("08006", "cannot connect to " + pool.key.address() + ": " + f.cause().getMessage());
                return;
            }
            ServerConn conn = new ServerConn(pool, f.channel());
            if (pool.tls.servers == null) {
                conn.startup(ready, failed);
            } else {
                f.channel().pipeline().addLast(conn.new TlsNegotiation(ready, failed));
                ByteBuf request = f.channel().alloc().buffer(8);
                request.writeInt(8).writeInt(Wire.SSL_REQUEST);
                f.channel().writeAndFlush(request);
            }
        });
    }

    /** Sends the startup message; {@link Startup} takes the answers. */
    private void startup(Consumer<ServerConn> ready, BiConsumer<String, String> failed) {
        channel.pipeline().addLast(new FrameDecoder(true));
        channel.pipeline().addLast(new Startup(ready, failed));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", pool.key.user());
        params.put("database", pool.key.database());
        params.put("application_name", "hubwatch-db-proxy");
        params.put("client_encoding", "UTF8");
        channel.writeAndFlush(Wire.startup(channel.alloc(), params));
    }

    /** Asks the server for TLS (as libpq's sslmode does), then starts up over TLS or, when allowed, without. */
    private final class TlsNegotiation extends ChannelInboundHandlerAdapter {
        private final Consumer<ServerConn> ready;
        private final BiConsumer<String, String> failed;
        private boolean answered;

        TlsNegotiation(Consumer<ServerConn> ready, BiConsumer<String, String> failed) {
            this.ready = ready;
            this.failed = failed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                if (answered) {
                    return;
                }
                answered = true;
                byte answer = b.readByte();
                DbProxyConfig.ServerTls mode = pool.tls.serverMode;
                if (b.isReadable()) {
                    // bytes after the answer were not encrypted; they cannot be trusted as part of the TLS stream
                    fail(ctx, "08P01", "the server sent data after its answer to the SSL request");
                } else if (answer == 'S') {
                    ctx.pipeline().remove(this);
                    SslHandler tls = pool.tls.serverHandler(ctx.alloc(), pool.key.host(), pool.key.port());
                    ctx.pipeline().addFirst("tls", tls);
                    tls.handshakeFuture().addListener(h -> {
                        if (h.isSuccess()) {
                            startup(ready, failed);
                        } else {
                            failed.accept("08006", pool.key.address() + ": TLS handshake failed (postgres.server_tls: "
                                    + mode.setting() + "): " + h.cause().getMessage());
                            channel.close();
                        }
                    });
                } else if (answer == 'N' && mode == DbProxyConfig.ServerTls.PREFER) {
                    ctx.pipeline().remove(this);
                    startup(ready, failed);
                } else if (answer == 'N') {
                    fail(ctx, "08006", "the server does not accept TLS, which postgres.server_tls: " + mode.setting() + " needs");
                } else {
                    fail(ctx, "08P01", "the server answered the SSL request with '" + (char) answer + "'");
                }
            } finally {
                b.release();
            }
        }

        private void fail(ChannelHandlerContext ctx, String sqlState, String reason) {
            ctx.pipeline().remove(this);
            failed.accept(sqlState, pool.key.address() + ": " + reason);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!answered) {
                answered = true;
                failed.accept("08006", pool.key.address() + " closed the connection before answering the SSL request");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!answered) {
                answered = true;
                failed.accept("08006", pool.key.address() + ": " + cause.getMessage());
            }
            ctx.close();
        }
    }

    void write(ByteBuf frame) {
        channel.write(frame, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    void close() {
        broken = true;
        channel.close();
    }

    /** Handles the startup exchange, then hands over to {@link Relay}. */
    private final class Startup extends ChannelInboundHandlerAdapter {
        private final Consumer<ServerConn> ready;
        private final BiConsumer<String, String> failed;
        private ScramClient scram;
        private boolean done;

        Startup(Consumer<ServerConn> ready, BiConsumer<String, String> failed) {
            this.ready = ready;
            this.failed = failed;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            ByteBuf frame = (ByteBuf) msg;
            try {
                switch (Wire.type(frame)) {
                    case 'R' -> authenticate(ctx, frame);
                    case 'S' -> {
                        ByteBuf b = frame.duplicate().skipBytes(5);
                        parameters.put(Wire.readCString(b), Wire.readCString(b));
                    }
                    case 'K' -> {
                        backendPid = frame.getInt(frame.readerIndex() + 5);
                        backendSecret = frame.getInt(frame.readerIndex() + 9);
                    }
                    case 'E' -> fail(ctx, Wire.sqlState(frame), Wire.errorFields(frame).getOrDefault('M', "error"));
                    case 'Z' -> {
                        done = true;
                        // frames after this one (none, until the proxy asks) reach the relay as plain bytes
                        ctx.pipeline().replace(this, "relay", new Relay());
                        ctx.pipeline().remove(FrameDecoder.class);
                        ready.accept(ServerConn.this);
                    }
                    default -> { }
                }
            } finally {
                frame.release();
            }
        }

        private void authenticate(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
            int code = frame.getInt(frame.readerIndex() + 5);
            String password = pool.password;
            switch (code) {
                case 0 -> { }
                case 3 -> ctx.writeAndFlush(Wire.password(ctx.alloc(), password));
                case 5 -> {
                    byte[] salt = new byte[4];
                    frame.getBytes(frame.readerIndex() + 9, salt);
                    String inner = md5Hex((password + pool.key.user()).getBytes(StandardCharsets.UTF_8));
                    byte[] outer = (inner).getBytes(StandardCharsets.UTF_8);
                    byte[] salted = new byte[outer.length + 4];
                    System.arraycopy(outer, 0, salted, 0, outer.length);
                    System.arraycopy(salt, 0, salted, outer.length, 4);
                    ctx.writeAndFlush(Wire.password(ctx.alloc(), "md5" + md5Hex(salted)));
                }
                case 10 -> {
                    scram = new ScramClient(pool.key.user(), password);
                    ctx.writeAndFlush(scram.initial(ctx.alloc()));
                }
                case 11 -> ctx.writeAndFlush(scram.finalMessage(ctx.alloc(), Wire.body(frame).substring(4)));
                case 12 -> scram.verify(Wire.body(frame).substring(4));
                default -> fail(ctx, "08006", "the server asks for authentication method " + code + ", which the proxy does not speak");
            }
        }

        private void fail(ChannelHandlerContext ctx, String sqlState, String reason) {
            if (!done) {
                done = true;
                failed.accept(sqlState, pool.key.address() + ": " + reason);
            }
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                done = true;
                failed.accept("08006", pool.key.address() + " closed the connection during startup");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, "08006", String.valueOf(cause.getMessage()));
        }
    }

    /**
     * After startup: cuts the stream into frames itself and lends each to the current owner in place, so that runs of
     * frames the owner passes on unchanged become one slice and one write (see {@link Owner#onServerFrame}).
     */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private static final int MAX_FRAME = 64 << 20;
        /** Bytes of an incomplete frame from earlier reads (a buffer no slice was taken of), or null. */
        private ByteBuf partial;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            ByteBuf buf;
            if (partial == null) {
                buf = in;
            } else {
                partial.ensureWritable(in.readableBytes());
                partial.writeBytes(in);
                in.release();
                buf = partial;
                partial = null;
            }
            try {
                while (buf.readableBytes() >= 5) {
                    int start = buf.readerIndex();
                    int len = buf.getInt(start + 1);
                    if (len < 4 || len > MAX_FRAME) {
                        broken = true;
                        ctx.close();
                        return;
                    }
                    if (buf.readableBytes() < len + 1) {
                        break;
                    }
                    buf.skipBytes(len + 1);
                    if (owner != null) {
                        owner.onServerFrame(ServerConn.this, buf, start, len + 1);
                    } else if (buf.getByte(start) == 'E') {
                        // an idle connection only hears of its end (e.g. an administrator shutdown) or notices
                        broken = true;
                    }
                }
                if (buf.isReadable()) {
                    int needed = buf.readableBytes() >= 5 ? buf.getInt(buf.readerIndex() + 1) + 1 : 5;
                    partial = ctx.alloc().buffer(Math.max(needed, buf.readableBytes()));
                    partial.writeBytes(buf);
                }
            } finally {
                if (owner != null) {
                    owner.onServerFramesEnd(ServerConn.this);
                }
                buf.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (owner != null) {
                owner.onServerReadComplete(ServerConn.this);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            broken = true;
            if (partial != null) {
                partial.release();
                partial = null;
            }
            Owner o = owner;
            owner = null;
            if (o != null) {
                o.onServerGone(ServerConn.this, pool.key.address() + " closed the connection");
            }
            pool.gone(ServerConn.this);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static String md5Hex(byte[] data) throws Exception {
        byte[] d = MessageDigest.getInstance("MD5").digest(data);
        StringBuilder sb = new StringBuilder();
        for (byte x : d) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
