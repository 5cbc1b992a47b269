package io.hubwatch.backtest.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * NAB's label windows file: {@code {"category/file.csv": [["start", "end"], ...], ...}}.
 *
 * <pre>{@code
 * Map<String, List<String[]>> windows = NabLabels.read(Path.of("labels/windows.json"));
 * }</pre>
 */
public final class NabLabels {
    private NabLabels() {}

    /** @throws IllegalArgumentException naming the file and entry when the JSON is not in that form */
    public static Map<String, List<String[]>> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object of file name to windows");
        }
        Map<String, List<String[]>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                throw new IllegalArgumentException(file + ": entry '" + e.getKey() + "' must be a list of [start, end]");
            }
            List<String[]> windows = new ArrayList<>();
            for (JsonNode w : e.getValue()) {
                if (!w.isArray() || w.size() != 2 || !w.get(0).isTextual() || !w.get(1).isTextual()) {
                    throw new IllegalArgumentException(file + ": entry '" + e.getKey()
                            + "' has a window that is not [\"start\", \"end\"]: " + w);
                }
                windows.add(new String[]{w.get(0).asText(), w.get(1).asText()});
            }
            out.put(e.getKey().replace('\\', '/'), windows);
        }
        return out;
    }

    private static String firstLine(String m) {
        if (m == null) {
            return "unreadable";
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
