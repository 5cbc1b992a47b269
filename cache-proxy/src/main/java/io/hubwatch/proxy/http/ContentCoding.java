package io.hubwatch.proxy.http;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.hubwatch.proxy.cache.CachedResponse.Encoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compression of stored bodies (once, when stored) and the choice of encoding per request from Accept-Encoding.
 * Brotli comes from brotli4j's native library; if it cannot load, only gzip is offered and a warning says so.
 *
 * <pre>{@code
 * byte[] gz = ContentCoding.gzip(body);
 * Encoding e = ContentCoding.preferred("gzip, deflate, br");   // BROTLI
 * }</pre>
 */
public final class ContentCoding {

    private static final Logger LOG = LoggerFactory.getLogger(ContentCoding.class);
    private static final boolean BROTLI;
    /** quality 5: about gzip-9's ratio or better at gzip-6's speed; paid once per stored response */
    private static final Encoder.Parameters BROTLI_PARAMS = new Encoder.Parameters().setQuality(5);

    static {
        boolean ok;
        try {
            ok = Brotli4jLoader.isAvailable();
            if (!ok) {
                LOG.warn("brotli unavailable ({}); serving gzip only", Brotli4jLoader.getUnavailabilityCause().toString());
            }
        } catch (Throwable t) {
            LOG.warn("brotli unavailable ({}); serving gzip only", t.toString());
            ok = false;
        }
        BROTLI = ok;
    }

    private ContentCoding() {
    }

    public static boolean brotliAvailable() {
        return BROTLI;
    }

    /** Whether a content type is worth compressing (text, JSON, XML, JavaScript, SVG). */
    public static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("javascript")
                || ct.contains("svg");
    }

    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192) {
            {
                def.setLevel(Deflater.DEFAULT_COMPRESSION);
            }
        }) {
            gz.write(body);
        } catch (IOException e) {
            throw new IllegalStateException("gzip of an in-memory body failed", e);
        }
        return out.toByteArray();
    }

    /** Brotli of the body, or null if brotli is unavailable. */
    public static byte[] brotli(byte[] body) {
        if (!BROTLI) {
            return null;
        }
        try {
            return Encoder.compress(body, BROTLI_PARAMS);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The encoding to send for an Accept-Encoding value: brotli over gzip over identity, skipping codings with
     * {@code q=0}. No regex and no allocation for the common header values.
     */
    public static Encoding preferred(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isEmpty()) {
            return Encoding.IDENTITY;
        }
        boolean br = accepts(acceptEncoding, "br");
        if (br) {
            return Encoding.BROTLI;
        }
        return accepts(acceptEncoding, "gzip") ? Encoding.GZIP : Encoding.IDENTITY;
    }

    private static boolean accepts(String header, String coding) {
        int len = header.length();
        int i = 0;
        while (i < len) {
            int end = header.indexOf(',', i);
            if (end < 0) {
                end = len;
            }
            int s = i;
            while (s < end && header.charAt(s) == ' ') {
                s++;
            }
            int semi = header.indexOf(';', s);
            int tokenEnd = semi >= 0 && semi < end ? semi : end;
            int te = tokenEnd;
            while (te > s && header.charAt(te - 1) == ' ') {
                te--;
            }
            if (te - s == coding.length() && header.regionMatches(true, s, coding, 0, coding.length())
                    || te - s == 1 && header.charAt(s) == '*') {
                if (semi < 0 || semi >= end) {
                    return true;
                }
                return !isQZero(header, semi + 1, end);
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean isQZero(String header, int from, int end) {
        String params = header.substring(from, end).trim().toLowerCase(Locale.ROOT);
        if (!params.startsWith("q=")) {
            return false;
        }
        try {
            return Double.parseDouble(params.substring(2).trim()) == 0.0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
