package io.hubwatch.proxy.cache.internal;

import io.hubwatch.proxy.cache.CachedResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link CachedResponse} in Redis: small, versioned, no JSON. Bodies are stored already
 * compressed, so an L2 hit costs no compression either.
 */
public final class EntryCodec {

    private static final int VERSION = 1;

    private EntryCodec() {
    }

    public static byte[] encode(CachedResponse r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.weight());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(r.key);
            out.writeUTF(r.endpoint);
            out.writeShort(r.status);
            out.writeShort(r.headers.size());
            for (String[] h : r.headers) {
                out.writeUTF(h[0]);
                out.writeUTF(h[1]);
            }
            writeBytes(out, r.identity);
            writeBytes(out, r.gzip);
            writeBytes(out, r.brotli);
            out.writeUTF(r.etag == null ? "" : r.etag);
            writeStrings(out, r.vary);
            out.writeLong(r.storedAt);
            out.writeLong(r.ttlMillis);
            out.writeLong(r.swrMillis);
            out.writeLong(r.sieMillis);
            out.writeInt(r.upstreamAgeSeconds);
            writeStrings(out, r.tags);
            out.writeLong(r.bodyHash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes an entry; returns null for bytes of another version or damaged bytes (treated as a miss). */
    public static CachedResponse decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readByte() != VERSION) {
                return null;
            }
            CachedResponse.Builder b = CachedResponse.builder(in.readUTF(), in.readUTF());
            b.status(in.readShort());
            int n = in.readShort();
            for (int i = 0; i < n; i++) {
                b.header(in.readUTF(), in.readUTF());
            }
            b.body(readBytes(in));
            b.compressed(readBytes(in), readBytes(in));
            String etag = in.readUTF();
            b.etag(etag.isEmpty() ? null : etag);
            b.vary(readStrings(in));
            b.timing(in.readLong(), in.readLong(), in.readLong(), in.readLong());
            b.upstreamAge(in.readInt());
            b.tags(readStrings(in));
            b.bodyHash(in.readLong());
            return b.build();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0) {
            return null;
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return b;
    }

    private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        out.writeShort(list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readShort();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }
}
