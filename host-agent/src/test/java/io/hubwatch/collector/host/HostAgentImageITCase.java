package io.hubwatch.collector.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's container image as Jib builds it (the build's {@code jib:buildTar} before this test, on an empty base so
 * that no registry is needed): its entry point runs {@link HostAgentMain} with exactly the JVM settings of
 * {@code ./hubwatch-agent}, the ones the overhead benchmark measured, as an unprivileged user.
 */
class HostAgentImageITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theImageRunsTheAgentWithTheMeasuredJvmSettings() throws Exception {
        Map<String, byte[]> files = untar(Path.of("target", "jib-check-image.tar"));
        JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
        JsonNode config = JSON.readTree(files.get(manifest.path("Config").asText())).path("config");
        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(n -> entrypoint.add(n.asText()));

        assertThat(manifest.path("RepoTags").get(0).asText()).isEqualTo("hubwatch/host-agent:0.1.0");
        assertThat(entrypoint).first().isEqualTo("java");
        assertThat(entrypoint).last().isEqualTo(HostAgentMain.class.getName());
        assertThat(entrypoint.subList(1, entrypoint.indexOf("-cp"))).containsExactlyElementsOf(scriptJvmFlags());
        assertThat(config.path("User").asText()).isEqualTo("65534");
        assertThat(manifest.path("Layers")).hasSizeGreaterThanOrEqualTo(3); // dependencies, resources, classes
    }

    /** The java options of ./hubwatch-agent, the launcher outside a container. */
    private static List<String> scriptJvmFlags() throws IOException {
        String script = Files.readString(Path.of("hubwatch-agent")).replace("\\\n", " ");
        String javaLine = script.lines().filter(l -> l.startsWith("exec java ")).findFirst().orElseThrow();
        return Arrays.stream(javaLine.substring("exec java ".length()).trim().split("\\s+"))
                .takeWhile(t -> t.startsWith("-") && !t.equals("-jar")).toList();
    }

    /** The entries of an uncompressed tar, by name. */
    private static Map<String, byte[]> untar(Path tar) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(in.readNBytes((int) size));
                in.skipNBytes((512 - size % 512) % 512);
                out.put(name, body.toByteArray());
            }
        }
        return out;
    }
}
