package io.hubwatch.collector.ingest.internal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * The browser beacon, {@code GET /beacon.js}: read once from the classpath, gzipped once, served from memory.
 *
 * <pre>{@code <script src="https://ingest.example.com/beacon.js" data-key="…" data-sample="0.1" async></script>}</pre>
 */
public final class BeaconScript {
    public static final String RESOURCE = "/io/hubwatch/collector/ingest/beacon.js";

    private final Buffer plain;
    private final Buffer gzipped;

    public BeaconScript() {
        byte[] source = source();
        this.plain = Buffer.buffer(source);
        this.gzipped = Buffer.buffer(gzip(source));
    }

    /** The script as shipped. */
    public static byte[] source() {
        try (InputStream in = BeaconScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {{ def.setLevel(9); }}) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    void serve(HttpServerRequest request) {
        String accept = request.getHeader("Accept-Encoding");
        boolean gzip = accept != null && accept.contains("gzip");
        var response = request.response()
                .putHeader("Content-Type", "application/javascript; charset=utf-8")
                .putHeader("Cache-Control", "public, max-age=300")
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Vary", "Accept-Encoding");
        if (gzip) {
            response.putHeader("Content-Encoding", "gzip").end(gzipped);
        } else {
            response.end(plain);
        }
    }
}
