package io.hubwatch.dbproxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** PostgreSQL protocol v3 messages: a frame is the type byte, a length (itself included) and the body. */
final class Wire {
    static final int PROTOCOL_3 = 196608;
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;

    private Wire() {}

    static char type(ByteBuf frame) {
        return (char) frame.getByte(frame.readerIndex());
    }

    /** A new frame of the given type; {@link #finish} fills in its length. */
    static ByteBuf begin(ByteBufAllocator alloc, char type) {
        ByteBuf b = alloc.buffer();
        b.writeByte(type).writeInt(0);
        return b;
    }

    static ByteBuf finish(ByteBuf b) {
        b.setInt(b.readerIndex() + 1, b.writerIndex() - b.readerIndex() - 1);
        return b;
    }

    static void cstring(ByteBuf b, String s) {
        b.writeCharSequence(s, StandardCharsets.UTF_8);
        b.writeByte(0);
    }

    /** The index of the NUL that ends the string at {@code from}. */
    static int endOfCString(ByteBuf b, int from) {
        int end = b.indexOf(from, b.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated string in a protocol message");
        }
        return end;
    }

    /** Reads a NUL-terminated string at the reader index and moves past it. */
    static String readCString(ByteBuf b) {
        int end = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated string in a protocol message");
        }
        String s = b.toString(b.readerIndex(), end - b.readerIndex(), StandardCharsets.UTF_8);
        b.readerIndex(end + 1);
        return s;
    }

    static ByteBuf error(ByteBufAllocator alloc, String severity, String sqlState, String message) {
        ByteBuf b = begin(alloc, 'E');
        b.writeByte('S');
        cstring(b, severity);
        b.writeByte('V');
        cstring(b, severity);
        b.writeByte('C');
        cstring(b, sqlState);
        b.writeByte('M');
        cstring(b, message);
        b.writeByte(0);
        return finish(b);
    }

    /** The SQLSTATE (field C) of an ErrorResponse frame. */
    static String sqlState(ByteBuf frame) {
        return errorFields(frame).getOrDefault('C', "");
    }

    static Map<Character, String> errorFields(ByteBuf frame) {
        ByteBuf b = frame.duplicate();
        b.skipBytes(5);
        Map<Character, String> fields = new LinkedHashMap<>();
        while (b.isReadable()) {
            byte code = b.readByte();
            if (code == 0) {
                break;
            }
            fields.put((char) code, readCString(b));
        }
        return fields;
    }

    static ByteBuf readyForQuery(ByteBufAllocator alloc, char status) {
        ByteBuf b = begin(alloc, 'Z');
        b.writeByte(status);
        return finish(b);
    }

    static ByteBuf authOk(ByteBufAllocator alloc) {
        ByteBuf b = begin(alloc, 'R');
        b.writeInt(0);
        return finish(b);
    }

    static ByteBuf parameterStatus(ByteBufAllocator alloc, String name, String value) {
        ByteBuf b = begin(alloc, 'S');
        cstring(b, name);
        cstring(b, value);
        return finish(b);
    }

    static ByteBuf backendKeyData(ByteBufAllocator alloc, int pid, int secret) {
        ByteBuf b = begin(alloc, 'K');
        b.writeInt(pid).writeInt(secret);
        return finish(b);
    }

    static ByteBuf empty(ByteBufAllocator alloc, char type) {
        return finish(begin(alloc, type));
    }

    static ByteBuf query(ByteBufAllocator alloc, String sql) {
        ByteBuf b = begin(alloc, 'Q');
        cstring(b, sql);
        return finish(b);
    }

    static ByteBuf startup(ByteBufAllocator alloc, Map<String, String> params) {
        ByteBuf b = alloc.buffer();
        b.writeInt(0).writeInt(PROTOCOL_3);
        params.forEach((k, v) -> {
            cstring(b, k);
            cstring(b, v);
        });
        b.writeByte(0);
        b.setInt(0, b.writerIndex());
        return b;
    }

    static ByteBuf password(ByteBufAllocator alloc, String password) {
        ByteBuf b = begin(alloc, 'p');
        cstring(b, password);
        return finish(b);
    }

    static ByteBuf bytes(ByteBufAllocator alloc, char type, byte[] body) {
        ByteBuf b = begin(alloc, type);
        b.writeBytes(body);
        return finish(b);
    }

    /** Parse: statement name, query text, parameter types. */
    record Parse(String name, String query, ByteBuf types) {
        static Parse read(ByteBuf frame) {
            ByteBuf b = frame.duplicate().skipBytes(5);
            String name = readCString(b);
            String query = readCString(b);
            return new Parse(name, query, b);
        }

        ByteBuf withName(ByteBufAllocator alloc, String newName) {
            ByteBuf out = begin(alloc, 'P');
            cstring(out, newName);
            cstring(out, query);
            out.writeBytes(types, types.readerIndex(), types.readableBytes());
            return finish(out);
        }

        /** A name for this statement that is the same for the same text and parameter types in every session. */
        String sharedName() {
            return "hw_" + Long.toHexString(hash64(query)) + Integer.toHexString(ByteBufUtil.hashCode(types));
        }
    }

    /** Bind: replaces the statement name, keeps the rest (portal, formats, values). */
    static ByteBuf bindWithStatement(ByteBufAllocator alloc, ByteBuf frame, String portal, String newStatement, ByteBuf rest) {
        ByteBuf out = begin(alloc, 'B');
        cstring(out, portal);
        cstring(out, newStatement);
        out.writeBytes(rest, rest.readerIndex(), rest.readableBytes());
        return finish(out);
    }

    static ByteBuf describeOrClose(ByteBufAllocator alloc, char type, char kind, String name) {
        ByteBuf out = begin(alloc, type);
        out.writeByte(kind);
        cstring(out, name);
        return finish(out);
    }

    static long hash64(String s) {
        long h = 1125899906842597L;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    static String body(ByteBuf frame) {
        return frame.toString(frame.readerIndex() + 5, frame.readableBytes() - 5, StandardCharsets.UTF_8);
    }
}
