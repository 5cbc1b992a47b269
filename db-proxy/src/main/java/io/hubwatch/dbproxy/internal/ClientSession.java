package io.hubwatch.dbproxy.internal;

import io.hubwatch.dbproxy.DbProxyConfig;
import io.hubwatch.dbproxy.ReadClassifier;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client connection. Its messages are cut into units (everything up to a Sync, a simple Query or a Flush); each
 * unit outside a transaction is routed on its own: to a replica when every statement in it only reads (and the replica
 * has replayed this session's last commit), else to the primary. In transaction pooling the server connection goes
 * back to the pool when the server reports the transaction over (ReadyForQuery 'I').
 *
 * <p>Prepared statements survive transaction pooling: a named statement gets a shared server-side name derived from its
 * text and parameter types; the proxy remembers each client's Parse and, before a Bind or Describe, prepares the
 * statement on whichever server connection the unit landed on, hiding the extra ParseComplete. A Parse the server
 * already knows is answered by the proxy. Responses are matched to requests with a queue of expectations.
 *
 * <p>A read unit on a replica is replayable: its frames are kept and its responses held (up to 256 KiB) until its
 * ReadyForQuery, so when the replica dies or shuts down mid-read the unit runs again elsewhere and the client never
 * sees the failure.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements ServerConn.Owner, Pool.Lease {
    private static final int HOLD_LIMIT = 256 * 1024;
    private static final int PRIMARY = -1;

    private enum Kind { QUERY, SYNC, PARSE, PARSE_HIDDEN, BIND, DESCRIBE_STATEMENT, DESCRIBE_PORTAL, EXECUTE, CLOSE, SYNTH, LSN }

    private record Expect(Kind kind, String statement, ByteBuf synth) {}

    /** A client's named statement: its shared server-side name, the Parse for it, and its {@link ReadClassifier} bits. */
    private record Statement(String sharedName, ByteBuf parse, int flags) {}

    /** Classifier bits of a statement the proxy does not know (a Bind of a name never parsed): not a read. */
    private static final int UNKNOWN = ReadClassifier.MAY_WRITE;
    /** {@link #flagsOf} for a message that carries no statement. */
    private static final int NO_STATEMENT = -1;

    private final Engine engine;
    private Channel channel;
    private FrameDecoder decoder;
    String user;
    String database;
    int pid;
    int secret;
    private boolean authenticating;
    /** The connection is encrypted (the client asked, and TLS is on). */
    private boolean tls;
    private ScramServerExchange scram;
    private boolean closed;

    private final Map<String, Statement> statements = new HashMap<>();
    private int unnamedFlags = NO_STATEMENT;
    /** The classifier's verdict on the simple query at the head of the inbox, from {@link #startUnit}. */
    private boolean classifiedQuery;
    private int classifiedQueryFlags;
    private final Deque<ByteBuf> inbox = new ArrayDeque<>();
    private final Deque<Expect> expects = new ArrayDeque<>();

    ServerConn server;
    /** This client's pools (its database and user), looked up once: a lookup per transaction was 5% of the CPU. */
    private Pool primaryPool;
    private Pool[] replicaPools;
    private int target = PRIMARY;
    private boolean acquiring;
    private boolean unitOpen;
    private int pendingSyncs;
    private char txStatus = 'I';
    private boolean unitWrites;
    private boolean txWrites;
    private boolean lsnPending;
    private boolean discardUntilSync;
    private long minLsn;
    private List<ByteBuf> replay;
    private List<ByteBuf> held;
    private int heldBytes;
    private boolean clientNeedsFlush;
    /** Server bytes {@code runBuf[runStart, runEnd)} not yet written to the client (borrowed until the read's end). */
    private ByteBuf runBuf;
    private int runStart;
    private int runEnd;

    ClientSession(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        decoder = new FrameDecoder(false);
        ctx.pipeline().addBefore(ctx.name(), "frames", decoder);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof FrameDecoder.StartupFrame startup) {
            try {
                startup(startup);
            } finally {
                startup.body().release();
            }
            return;
        }
        ByteBuf frame = (ByteBuf) msg;
        if (authenticating) {
            try {
                authenticate(frame);
            } finally {
                frame.release();
            }
            return;
        }
        // a Terminate waits in the inbox behind what came before it: a client may send its last statements and
        // Terminate without waiting for the answers, and those statements still run (pump closes at the Terminate)
        inbox.addLast(frame);
        pump();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushAll();
    }

    // ---- startup and authentication ----

    private void startup(FrameDecoder.StartupFrame f) {
        switch (f.code()) {
            case Wire.SSL_REQUEST -> {
                if (decoder.buffered() > 0) {
                    // what follows the request must wait for the answer; bytes sent ahead would pass as if encrypted
                    fatal("08P01", "hubwatch: unencrypted data after the SSL request");
                } else if (engine.tls.clients == null || tls) {
                    channel.writeAndFlush(channel.alloc().buffer(1).writeByte('N'));
                } else {
                    // the 'S' has passed the pipeline before the TLS handler goes in front, so it leaves unencrypted
                    channel.writeAndFlush(channel.alloc().buffer(1).writeByte('S'));
                    channel.pipeline().addFirst("tls", engine.tls.clients.newHandler(channel.alloc()));
                    tls = true;
                }
            }
            case Wire.GSSENC_REQUEST -> channel.writeAndFlush(channel.alloc().buffer(1).writeByte('N'));
            case Wire.CANCEL_REQUEST -> {
                if (f.body().readableBytes() != 8) {
                    fatal("08P01", "hubwatch: a cancel request is 16 bytes (length, code, process id, secret key), got "
                            + (f.body().readableBytes() + 8));
                    return;
                }
                engine.cancel(f.body().getInt(f.body().readerIndex()), f.body().getInt(f.body().readerIndex() + 4));
                channel.close();
            }
            case Wire.PROTOCOL_3 -> {
                Map<String, String> params = new HashMap<>();
                ByteBuf b = f.body().duplicate();
                while (b.isReadable() && b.getByte(b.readerIndex()) != 0) {
                    params.put(Wire.readCString(b), Wire.readCString(b));
                }
                user = params.get("user");
                if (engine.tls.clientMode == DbProxyConfig.ClientTls.REQUIRE && !tls) {
                    fatal("28000", "hubwatch: this proxy accepts TLS connections only (postgres.tls: require); connect with sslmode=require");
                    return;
                }
                if (user == null) {
                    fatal("08P01", "no user in the startup message");
                    return;
                }
                database = params.getOrDefault("database", user);
                if (engine.config.auth() == DbProxyConfig.Auth.SCRAM) {
                    String secretText = engine.users.get(user);
                    if (secretText == null) {
                        fatal("28P01", "password authentication failed for user \"" + user + "\"");
                        return;
                    }
                    scram = new ScramServerExchange(secretText);
                    authenticating = true;
                    ByteBuf r = Wire.begin(channel.alloc(), 'R');
                    r.writeInt(10);
                    Wire.cstring(r, "SCRAM-SHA-256");
                    r.writeByte(0);
                    channel.writeAndFlush(Wire.finish(r));
                } else {
                    welcome();
                }
            }
            default -> fatal("08P01", "unsupported protocol or request code " + f.code());
        }
    }

    private void authenticate(ByteBuf frame) {
        if (Wire.type(frame) != 'p') {
            fatal("08P01", "expected a SASL response");
            return;
        }
        ByteBuf b = frame.duplicate().skipBytes(5);
        String reply;
        if (!scram.started()) {
            Wire.readCString(b); // mechanism
            int len = b.readInt();
            reply = scram.first(b.readCharSequence(len, StandardCharsets.UTF_8).toString());
            if (reply == null) {
                fatal("28P01", "password authentication failed for user \"" + user + "\"");
                return;
            }
            channel.writeAndFlush(Wire.bytes(channel.alloc(), 'R', withCode(11, reply)));
        } else {
            reply = scram.last(b.toString(StandardCharsets.UTF_8));
            if (reply == null) {
                fatal("28P01", "password authentication failed for user \"" + user + "\"");
                return;
            }
            channel.write(Wire.bytes(channel.alloc(), 'R', withCode(12, reply)));
            authenticating = false;
            welcome();
        }
    }

    private static byte[] withCode(int code, String text) {
        byte[] t = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[4 + t.length];
        out[0] = (byte) (code >>> 24);
        out[1] = (byte) (code >>> 16);
        out[2] = (byte) (code >>> 8);
        out[3] = (byte) code;
        System.arraycopy(t, 0, out, 4, t.length);
        return out;
    }

    /** AuthenticationOk, the server's parameters (from a primary connection, which also proves database and user). */
    private void welcome() {
        Pool pool = engine.primary(database, user);
        primaryPool = pool;
        replicaPools = new Pool[engine.config.replicas().size()];
        if (pool.parameters != null) {
            ready(pool.parameters);
            return;
        }
        pool.acquire(new Pool.Lease() {
            @Override
            public void granted(ServerConn conn) {
                pool.release(conn);
                if (!closed) {
                    ready(pool.parameters);
                }
            }

            @Override
            public void refused(String sqlState, String reason) {
                fatal(sqlState, reason);
            }
        });
    }

    private void ready(Map<String, String> parameters) {
        decoder.authenticated();
        pid = engine.newPid();
        secret = Scram.RANDOM.nextInt();
        engine.sessionsByPid.put(pid, this);
        engine.clients.increment();
        engine.clientsTotal.increment();
        channel.write(Wire.authOk(channel.alloc()));
        parameters.forEach((k, v) -> channel.write(Wire.parameterStatus(channel.alloc(), k, v)));
        channel.write(Wire.backendKeyData(channel.alloc(), pid, secret));
        channel.writeAndFlush(Wire.readyForQuery(channel.alloc(), 'I'));
    }

    private void fatal(String sqlState, String message) {
        channel.writeAndFlush(Wire.error(channel.alloc(), "FATAL", sqlState, message)).addListener(f -> channel.close());
        closed = true;
    }

    // ---- client messages ----

    private void pump() {
        while (!inbox.isEmpty() && !closed) {
            if (acquiring || lsnPending) {
                return;
            }
            ByteBuf f = inbox.peekFirst();
            char type = Wire.type(f);
            if (type == 'X') {
                if (server != null && (unitOpen || pendingSyncs > 0)) {
                    return; // the answers to what came before go out first
                }
                inbox.pollFirst().release();
                flushAll();
                closed = true; // what follows a Terminate is not read; closing rolls back an open transaction
                channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                        .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                return;
            }
            if (discardUntilSync) {
                inbox.pollFirst().release();
                if (type == 'S') {
                    discardUntilSync = false;
                    toClient(Wire.readyForQuery(channel.alloc(), 'I'));
                }
                continue;
            }
            if (server == null) {
                if (!startUnit()) {
                    return;
                }
                continue;
            }
            if (!unitOpen) {
                if (pendingSyncs > 0) {
                    return; // the previous unit's answer decides whether this connection stays
                }
                unitOpen = true;
            }
            forward(inbox.pollFirst());
        }
        if (server != null) {
            server.flush();
        }
    }

    /** Routes the unit at the head of the inbox once it is complete; false while it is not. */
    private boolean startUnit() {
        classifiedQuery = false;
        boolean complete = false;
        boolean reads = engine.config.poolMode() == DbProxyConfig.PoolMode.TRANSACTION;
        boolean statements = false;
        int frames = 0;
        int unnamed = unnamedFlags;
        for (ByteBuf f : inbox) {
            frames++;
            char t = Wire.type(f);
            int flags = flagsOf(f, unnamed);
            if (t == 'P' && f.getByte(f.readerIndex() + 5) == 0) {
                unnamed = flags; // a Bind of the unnamed statement later in this unit means this one
            }
            if (flags != NO_STATEMENT) {
                statements = true;
                reads &= (flags & ReadClassifier.READ) != 0;
            }
            if (t == 'S' || t == 'Q' || t == 'H' || t == 'F') {
                complete = true;
                if (t == 'Q' && frames == 1) {
                    // forward() needs this verdict next; classifying once per query matters under pgbench -S
                    classifiedQuery = true;
                    classifiedQueryFlags = flags;
                }
                break;
            }
        }
        if (!complete) {
            return false;
        }
        if (onlyNamedParses(frames)) {
            // Preparing needs no server: the statement is prepared on whichever connection first runs it (a syntax
            // error shows then). Asking a server here would make a client that prepares synchronously (libpq's
            // PQprepare, as pgbench -M prepared does) wait for a pool that its own open transactions hold.
            for (int i = 0; i < frames - 1; i++) {
                ByteBuf f = inbox.pollFirst();
                remember(Wire.Parse.read(f), flagsOf(f, NO_STATEMENT));
                f.release();
                toClient(Wire.empty(channel.alloc(), '1'));
            }
            inbox.pollFirst().release();
            toClient(Wire.readyForQuery(channel.alloc(), 'I'));
            return true;
        }
        target = reads && statements ? engine.pickReplica(minLsn) : PRIMARY;
        if (target != PRIMARY) {
            replay = new ArrayList<>();
            held = new ArrayList<>();
            heldBytes = 0;
        }
        acquiring = true;
        (target == PRIMARY ? primaryPool : replicaPool(target)).acquire(this);
        return !acquiring; // granted at once: go on forwarding
    }

    private Pool replicaPool(int index) {
        Pool p = replicaPools[index];
        return p != null ? p : (replicaPools[index] = engine.replica(index, database, user));
    }

    /**
     * The {@link ReadClassifier} bits of the statement a message runs or prepares, read in place from the frame's
     * bytes; {@link #NO_STATEMENT} when it names none the proxy knows ({@code unnamed}: the unnamed statement's).
     */
    private int flagsOf(ByteBuf f, int unnamed) {
        int body = f.readerIndex() + 5;
        switch (Wire.type(f)) {
            case 'Q':
                return ReadClassifier.classify(f, body, Wire.endOfCString(f, body));
            case 'P': {
                int query = Wire.endOfCString(f, body) + 1;
                return ReadClassifier.classify(f, query, Wire.endOfCString(f, query));
            }
            case 'B': {
                int name = Wire.endOfCString(f, body) + 1;
                int end = Wire.endOfCString(f, name);
                return end == name ? unnamed : flagsOfStatement(f.toString(name, end - name, StandardCharsets.UTF_8));
            }
            case 'D': {
                if (f.getByte(body) != 'S') {
                    return NO_STATEMENT;
                }
                int end = Wire.endOfCString(f, body + 1);
                return flagsOfStatement(f.toString(body + 1, end - body - 1, StandardCharsets.UTF_8));
            }
            default:
                return NO_STATEMENT;
        }
    }

    private int flagsOfStatement(String name) {
        Statement s = statements.get(name);
        return s == null ? NO_STATEMENT : s.flags();
    }

    @Override
    public void granted(ServerConn conn) {
        acquiring = false;
        if (closed) {
            conn.pool.release(conn);
            return;
        }
        server = conn;
        conn.owner = this;
        unitOpen = true;
        pendingSyncs = 0;
        conn.pool.stats.transactions.increment();
        pump();
    }

    @Override
    public void refused(String sqlState, String reason) {
        acquiring = false;
        if (target != PRIMARY) {
            // a replica that cannot serve: take it out and route the unit again (to another replica or the primary)
            engine.replicaFailed(target, database, user, reason);
            dropReplayState();
            pump();
            return;
        }
        failUnit(sqlState, reason);
        flushAll();
    }

    /** Answers the unit at the head of the inbox with an error, as the server would have. */
    private void failUnit(String sqlState, String reason) {
        classifiedQuery = false;
        toClient(Wire.error(channel.alloc(), "ERROR", sqlState, reason));
        ByteBuf f;
        while ((f = inbox.pollFirst()) != null) {
            char t = Wire.type(f);
            f.release();
            if (t == 'S' || t == 'Q' || t == 'F') {
                toClient(Wire.readyForQuery(channel.alloc(), 'I'));
                pump();
                return;
            }
            if (t == 'H') {
                break;
            }
        }
        discardUntilSync = true;
    }

    private void forward(ByteBuf f) {
        if (replay != null) {
            replay.add(f.retainedDuplicate());
        }
        char type = Wire.type(f);
        switch (type) {
            case 'Q', 'F' -> {
                int flags = type == 'Q' && classifiedQuery ? classifiedQueryFlags : flagsOf(f, NO_STATEMENT);
                classifiedQuery = false;
                if (type == 'F' || (flags & ReadClassifier.MAY_WRITE) != 0) {
                    unitWrites = true;
                }
                if (type == 'F' || (flags & ReadClassifier.SESSION) != 0) {
                    leavesSessionState();
                }
                server.pool.stats.queries.increment();
                expects.add(new Expect(Kind.QUERY, null, null));
                pendingSyncs++;
                unitOpen = false;
                server.write(f);
            }
            case 'P' -> {
                if (f.getByte(f.readerIndex() + 5) == 0) {
                    unnamedFlags = flagsOf(f, NO_STATEMENT);
                    expects.add(new Expect(Kind.PARSE, null, null));
                    server.write(f);
                    return;
                }
                Wire.Parse p = Wire.Parse.read(f);
                String shared = remember(p, flagsOf(f, NO_STATEMENT));
                f.release();
                if (server.prepared.contains(shared)) {
                    synth(Wire.empty(channel.alloc(), '1'));
                } else {
                    server.prepared.add(shared);
                    expects.add(new Expect(Kind.PARSE, shared, null));
                    server.write(statements.get(p.name()).parse().retainedDuplicate());
                }
            }
            case 'B' -> {
                ByteBuf b = f.duplicate().skipBytes(5);
                String portal = Wire.readCString(b);
                String name = Wire.readCString(b);
                Statement s = name.isEmpty() ? null : statements.get(name);
                int flags = name.isEmpty() ? unnamedFlags : s == null ? UNKNOWN : s.flags();
                if (flags == NO_STATEMENT || (flags & ReadClassifier.MAY_WRITE) != 0) {
                    unitWrites = true;
                }
                if (flags == NO_STATEMENT || (flags & ReadClassifier.SESSION) != 0) {
                    leavesSessionState();
                }
                if (s == null) {
                    expects.add(new Expect(Kind.BIND, null, null));
                    server.write(f);
                } else {
                    prepareOnServer(s);
                    expects.add(new Expect(Kind.BIND, null, null));
                    server.write(Wire.bindWithStatement(channel.alloc(), f, portal, s.sharedName(), b));
                    f.release();
                }
                server.pool.stats.queries.increment();
            }
            case 'D' -> {
                ByteBuf b = f.duplicate().skipBytes(5);
                char kind = (char) b.readByte();
                String name = Wire.readCString(b);
                Statement s = kind == 'S' && !name.isEmpty() ? statements.get(name) : null;
                Expect describe = new Expect(kind == 'S' ? Kind.DESCRIBE_STATEMENT : Kind.DESCRIBE_PORTAL, null, null);
                if (s == null) {
                    expects.add(describe);
                    server.write(f);
                } else {
                    prepareOnServer(s);
                    expects.add(describe);
                    server.write(Wire.describeOrClose(channel.alloc(), 'D', 'S', s.sharedName()));
                    f.release();
                }
            }
            case 'E' -> {
                expects.add(new Expect(Kind.EXECUTE, null, null));
                server.write(f);
            }
            case 'C' -> {
                ByteBuf b = f.duplicate().skipBytes(5);
                char kind = (char) b.readByte();
                String name = Wire.readCString(b);
                if (kind == 'S' && !name.isEmpty()) {
                    // the shared statement stays on the server for other clients; this client forgets its name
                    Statement s = statements.remove(name);
                    if (s != null) {
                        s.parse().release();
                    }
                    f.release();
                    synth(Wire.empty(channel.alloc(), '3'));
                } else {
                    expects.add(new Expect(Kind.CLOSE, null, null));
                    server.write(f);
                }
            }
            case 'S' -> {
                expects.add(new Expect(Kind.SYNC, null, null));
                pendingSyncs++;
                unitOpen = false;
                server.write(f);
            }
            default -> server.write(f); // Flush, COPY data
        }
    }

    /**
     * The statement being sent may leave settings, locks, prepared statements or temporary tables in the server
     * session, beyond its transaction: the server connection is closed when this client is done with it instead of
     * going back to the pool, where the next client (of any application sharing the pool) would inherit them.
     */
    private void leavesSessionState() {
        server.broken = true;
    }

    /** Only named Parse messages, then a Sync (no Sync at all is a lone Sync: answered here too). */
    private boolean onlyNamedParses(int frames) {
        int i = 0;
        for (ByteBuf f : inbox) {
            if (++i == frames) {
                return Wire.type(f) == 'S';
            }
            if (Wire.type(f) != 'P' || Wire.Parse.read(f).name().isEmpty()) {
                return false;
            }
        }
        return false;
    }

    /** Records a client's named statement under its shared server-side name. */
    private String remember(Wire.Parse p, int flags) {
        String shared = p.sharedName();
        Statement old = statements.put(p.name(), new Statement(shared, p.withName(channel.alloc(), shared), flags));
        if (old != null) {
            old.parse().release();
        }
        return shared;
    }

    private void prepareOnServer(Statement s) {
        if (server.prepared.add(s.sharedName())) {
            expects.add(new Expect(Kind.PARSE_HIDDEN, s.sharedName(), null));
            server.write(s.parse().retainedDuplicate());
        }
    }

    private void synth(ByteBuf response) {
        expects.add(new Expect(Kind.SYNTH, null, response));
        drainSynth();
    }

    private void drainSynth() {
        Expect e;
        while ((e = expects.peekFirst()) != null && e.kind() == Kind.SYNTH) {
            expects.pollFirst();
            toClient(e.synth());
        }
    }

    // ---- server messages ----

    /**
     * A frame from the server, borrowed: {@code buf[start, start + length)} is valid until the end of this read. Most
     * frames go to the client unchanged; those are collected into runs of adjacent bytes, one write each (a
     * {@code pgbench -S} answer is four frames: a write and a slice per frame were 20% of the proxy's CPU samples).
     */
    @Override
    public void onServerFrame(ServerConn conn, ByteBuf buf, int start, int length) {
        if (conn != server) {
            return;
        }
        char t = (char) buf.getByte(start);
        drainSynth();
        Expect head = expects.peekFirst();
        boolean verbatim;
        if (head == null || head.kind() == Kind.LSN || head.kind() == Kind.PARSE_HIDDEN || t == 'E' || t == 'Z' && (head.kind() == Kind.QUERY || head.kind() == Kind.SYNC)) {
            verbatim = false;
        } else {
            verbatim = true;
            switch (head.kind()) {
                case PARSE, BIND, CLOSE -> {
                    if (t != 'N' && t != 'A' && t != 'S') {
                        expects.pollFirst();
                    }
                }
                case DESCRIBE_STATEMENT, DESCRIBE_PORTAL -> {
                    if (t == 'T' || t == 'n') {
                        expects.pollFirst();
                    }
                }
                case EXECUTE -> {
                    if (t == 'C' || t == 'I' || t == 's') {
                        expects.pollFirst();
                    }
                }
                default -> { }
            }
        }
        if (!verbatim) {
            ByteBuf m = buf.retainedSlice(start, length);
            onServerMessage(conn, m);
            return;
        }
        if (held != null || closed) {
            toClient(buf.retainedSlice(start, length));
        } else if (runBuf == buf && runEnd == start) {
            runEnd += length;
        } else {
            writeRun();
            runBuf = buf;
            runStart = start;
            runEnd = start + length;
        }
        drainSynth();
    }

    /** The frames collected for the client so far, as one write. */
    private void writeRun() {
        if (runBuf != null) {
            ByteBuf run = runBuf.retainedSlice(runStart, runEnd - runStart);
            runBuf = null;
            channel.write(run, channel.voidPromise());
            clientNeedsFlush = true;
        }
    }

    @Override
    public void onServerFramesEnd(ServerConn conn) {
        writeRun();
    }

    private void onServerMessage(ServerConn conn, ByteBuf m) {
        char t = Wire.type(m);
        Expect head = expects.peekFirst();
        if (head != null && head.kind() == Kind.LSN) {
            if (t == 'D') {
                ByteBuf b = m.duplicate().skipBytes(5 + 2);
                int len = b.readInt();
                minLsn = Math.max(minLsn, Lsn.parse(b.toString(b.readerIndex(), len, StandardCharsets.US_ASCII)));
            }
            m.release();
            if (t == 'Z') {
                expects.pollFirst();
                lsnPending = false;
                releaseServer();
                pump();
            }
            return;
        }
        if (t == 'N' || t == 'A' || (t == 'S' && head != null)) {
            toClient(m);
            return;
        }
        if (head == null) {
            m.release();
            return;
        }
        if (t == 'E') {
            String state = Wire.sqlState(m);
            if (state.startsWith("57P") && replayable()) {
                m.release();
                replayUnit(conn.pool.key.address() + " is shutting down (SQLSTATE " + state + ")");
                return;
            }
            if (head.kind() != Kind.QUERY) {
                // the server skips the rest of the unit up to Sync
                while ((head = expects.peekFirst()) != null && head.kind() != Kind.SYNC) {
                    expects.pollFirst();
                    if (head.kind() == Kind.PARSE || head.kind() == Kind.PARSE_HIDDEN) {
                        if (head.statement() != null) {
                            server.prepared.remove(head.statement());
                        }
                    } else if (head.synth() != null) {
                        head.synth().release();
                    }
                }
            }
            toClient(m);
            return;
        }
        switch (head.kind()) {
            case QUERY, SYNC -> {
                if (t == 'Z') {
                    expects.pollFirst();
                    onReadyForQuery(m);
                    return;
                }
                toClient(m);
            }
            case PARSE_HIDDEN -> {
                expects.pollFirst();
                m.release();
            }
            case PARSE, BIND, CLOSE -> {
                expects.pollFirst();
                toClient(m);
            }
            case DESCRIBE_STATEMENT, DESCRIBE_PORTAL -> {
                if (t == 'T' || t == 'n') {
                    expects.pollFirst();
                }
                toClient(m);
            }
            case EXECUTE -> {
                if (t == 'C' || t == 'I' || t == 's') {
                    expects.pollFirst();
                }
                toClient(m);
            }
            default -> toClient(m);
        }
        drainSynth();
    }

    private void onReadyForQuery(ByteBuf z) {
        pendingSyncs--;
        txStatus = (char) z.getByte(z.readerIndex() + 5);
        if (txStatus != 'I' && unitWrites) {
            txWrites = true;
        }
        toClient(z);
        commitHeld();
        flushAll(); // the connection may go back to the pool now, and its read-complete event to no one
        if (pendingSyncs == 0 && txStatus == 'I' && engine.config.poolMode() == DbProxyConfig.PoolMode.TRANSACTION) {
            if ((unitWrites || txWrites) && target == PRIMARY && !engine.monitor.replicas.isEmpty()) {
                // read-your-writes: the position of this commit bounds which replicas may serve this session's reads
                lsnPending = true;
                expects.add(new Expect(Kind.LSN, null, null));
                server.write(Wire.query(channel.alloc(), "SELECT pg_current_wal_lsn()"));
                server.flush();
                return;
            }
            releaseServer();
        }
        unitWrites = false;
        pump();
    }

    @Override
    public void onServerReadComplete(ServerConn conn) {
        flushAll();
    }

    @Override
    public void onServerGone(ServerConn conn, String reason) {
        if (conn != server) {
            return;
        }
        writeRun();
        if (replayable()) {
            replayUnit(reason);
            return;
        }
        server = null;
        conn.pool.release(conn);
        if (!closed) {
            channel.writeAndFlush(Wire.error(channel.alloc(), "FATAL", "08006",
                    "hubwatch: the server connection was lost (" + reason + ")")).addListener(f -> channel.close());
            closed = true;
        }
    }

    private boolean replayable() {
        return replay != null && held != null && target != PRIMARY;
    }

    /** The replica failed a read before any of its answer reached the client: run the unit again elsewhere. */
    private void replayUnit(String reason) {
        writeRun();
        ServerConn dead = server;
        server = null;
        dead.broken = true;
        dead.owner = null;
        dead.pool.stats.failovers.increment();
        dead.pool.release(dead);
        engine.replicaFailed(target, database, user, reason);
        for (Expect e : expects) {
            if (e.synth() != null) {
                e.synth().release();
            }
        }
        expects.clear();
        pendingSyncs = 0;
        unitOpen = false;
        unitWrites = false;
        held.forEach(ByteBuf::release);
        held = null;
        List<ByteBuf> frames = replay;
        replay = null;
        for (int i = frames.size() - 1; i >= 0; i--) {
            inbox.addFirst(frames.get(i));
        }
        target = PRIMARY;
        pump();
    }

    private void releaseServer() {
        writeRun(); // its bytes belong to the connection's read
        ServerConn s = server;
        server = null;
        unitWrites = false;
        txWrites = false;
        dropReplayState();
        if (s != null) {
            s.pool.release(s);
        }
    }

    private void dropReplayState() {
        if (replay != null) {
            replay.forEach(ByteBuf::release);
            replay = null;
        }
        commitHeld();
    }

    private void toClient(ByteBuf m) {
        writeRun(); // what came before goes first
        if (closed) {
            m.release();
            return;
        }
        if (held != null) {
            held.add(m);
            heldBytes += m.readableBytes();
            if (heldBytes > HOLD_LIMIT) {
                commitHeld(); // too big to hold: from here on the read cannot move
                if (replay != null) {
                    replay.forEach(ByteBuf::release);
                    replay = null;
                }
            }
            return;
        }
        channel.write(m, channel.voidPromise());
        clientNeedsFlush = true;
    }

    private void commitHeld() {
        if (held != null) {
            List<ByteBuf> h = held;
            held = null;
            h.forEach(this::toClient);
        }
    }

    private void flushAll() {
        writeRun();
        if (clientNeedsFlush) {
            clientNeedsFlush = false;
            channel.flush();
        }
        if (server != null) {
            server.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (pid != 0) {
            engine.sessionsByPid.remove(pid);
            engine.clients.decrement();
        }
        inbox.forEach(ByteBuf::release);
        inbox.clear();
        statements.values().forEach(s -> s.parse().release());
        statements.clear();
        for (Expect e : expects) {
            if (e.synth() != null) {
                e.synth().release();
            }
        }
        if (held != null) {
            held.forEach(ByteBuf::release);
            held = null;
        }
        if (server != null) {
            ServerConn s = server;
            server = null;
            // mid-transaction or mid-answer, or session state (session pooling): the connection cannot be reused
            if (pendingSyncs > 0 || txStatus != 'I' || lsnPending || unitOpen
                    || engine.config.poolMode() == DbProxyConfig.PoolMode.SESSION) {
                s.broken = true;
            }
            s.pool.release(s);
        }
        if (replay != null) {
            replay.forEach(ByteBuf::release);
            replay = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!closed) {
            fatal("08P01", "hubwatch: " + cause.getMessage());
        }
    }

    /** The server side of SCRAM-SHA-256 for one client. */
    private static final class ScramServerExchange {
        private final Scram.Verifier verifier;
        private String clientFirstBare;
        private String serverFirst;
        private String nonce;

        ScramServerExchange(String secret) {
            this.verifier = secret.startsWith("SCRAM-SHA-256$") ? Scram.Verifier.parse(secret)
                    : Scram.Verifier.fromPassword(secret, Scram.nonce().getBytes(StandardCharsets.UTF_8), 4096);
        }

        boolean started() {
            return serverFirst != null;
        }

        String first(String clientFirst) {
            if (!clientFirst.startsWith("n,")) {
                return null; // channel binding is not offered
            }
            clientFirstBare = clientFirst.substring(clientFirst.indexOf(',', 2) + 1);
            String clientNonce = Scram.attributes(clientFirstBare).get('r');
            if (clientNonce == null) {
                return null;
            }
            nonce = clientNonce + Scram.nonce();
            serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i=" + verifier.iterations();
            return serverFirst;
        }

        String last(String clientFinal) {
            Map<Character, String> a = Scram.attributes(clientFinal);
            if (!nonce.equals(a.get('r')) || a.get('p') == null) {
                return null;
            }
            String withoutProof = clientFinal.substring(0, clientFinal.lastIndexOf(",p="));
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = Scram.hmac(verifier.storedKey(), authMessage);
            byte[] clientKey = Scram.xor(Base64.getDecoder().decode(a.get('p')), signature);
            if (!java.security.MessageDigest.isEqual(Scram.sha256(clientKey), verifier.storedKey())) {
                return null;
            }
            return "v=" + Base64.getEncoder().encodeToString(Scram.hmac(verifier.serverKey(), authMessage));
        }
    }
}
