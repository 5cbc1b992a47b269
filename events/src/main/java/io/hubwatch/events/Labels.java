package io.hubwatch.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
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
     * The labels of a series key ({@link MetricEvent#seriesKey()}: {@code metric{a="1",b="2"}}), the inverse of
     * {@code metric + render(labels)}: the alert job ships the key, not the labels, between its stages and reads the
     * labels back only for the few samples that become incidents.
     *
     * @throws IllegalArgumentException if {@code seriesKey} is not in that form
     */
    public static TreeMap<String, String> ofSeriesKey(String seriesKey) {
        TreeMap<String, String> labels = new TreeMap<>();
        int i = seriesKey.indexOf('{');
        if (i < 0) {
            return labels;
        }
        int n = seriesKey.length();
        i++;
        StringBuilder value = new StringBuilder();
        while (i < n && seriesKey.charAt(i) != '}') {
            int eq = seriesKey.indexOf("=\"", i);
            if (eq < 0) {
                throw new IllegalArgumentException("not a series key: " + seriesKey);
            }
            String name = seriesKey.substring(i, eq);
            value.setLength(0);
            i = eq + 2;
            while (i < n && seriesKey.charAt(i) != '"') {
                char c = seriesKey.charAt(i);
                if (c == '\\' && i + 1 < n) {
                    c = seriesKey.charAt(++i);
                }
                value.append(c);
                i++;
            }
            if (i >= n) {
                throw new IllegalArgumentException("not a series key: " + seriesKey);
            }
            labels.put(name, value.toString());
            i++; // the closing quote
            if (i < n && seriesKey.charAt(i) == ',') {
                i++;
            }
        }
        if (i != n - 1) {
            throw new IllegalArgumentException("not a series key: " + seriesKey);
        }
        return labels;
    }

    /**
     * A stable 16-hex-digit fingerprint of a label set (first 8 bytes of SHA-256 over the sorted pairs), the same for
     * the same labels on every run and every machine.
     */
    public static String fingerprint(Map<String, String> labels) {
        MessageDigest sha = Digests.sha256();
        // already sorted (a TreeMap in natural order, as events and incidents hold them): no sorted copy
        Map<String, String> sorted = labels instanceof SortedMap<String, String> s && s.comparator() == null
                ? labels : new TreeMap<>(labels);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0xff);
            sha.update(e.getValue().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0xfe);
        }
        byte[] digest = sha.digest();
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
