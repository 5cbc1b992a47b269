package io.hubwatch.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** Label-set helpers shared by series keys and incident fingerprints. */
public final class Labels {
    private Labels() {}

    /** {@code {a="1",b="2"}} with keys sorted; {@code ""} for no labels. */
    public static String render(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        new TreeMap<>(labels).forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(k).append("=\"").append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        });
        return sb.append('}').toString();
    }

    /**
     * A stable 16-hex-digit fingerprint of a label set (first 8 bytes of SHA-256 over the sorted pairs), the same for
     * the same labels on every run and every machine.
     */
    public static String fingerprint(Map<String, String> labels) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(labels).forEach((k, v) -> {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0xff);
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0xfe);
            });
            byte[] digest = sha.digest();
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present in a JDK", e);
        }
    }
}
