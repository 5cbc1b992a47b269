package io.hubwatch.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jobs' image as Jib builds it (the build's {@code jib:buildTar} before this test, on an empty base so that no
 * registry is needed): it is the image every FlinkDeployment in {@code k8s/flink} names, it holds the shaded job jar
 * at the path of their {@code jarURI}, and it keeps the base image's entry point (Flink's, in {@code flink:2.2}).
 */
class FlinkJobsImageITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IMAGE = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)\\s*$");
    private static final Pattern JAR_URI = Pattern.compile("(?m)^\\s*jarURI:\\s*local://(\\S+)\\s*$");

    @Test
    void everyFlinkDeploymentNamesThisImageAndItsJarIsInIt() throws Exception {
        Path tar = Path.of("target", "jib-check-image.tar");
        Map<String, byte[]> files = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            untar(in, (name, size) -> { }, files);
        }
        JsonNode manifest = JSON.readTree(files.get("manifest.json")).get(0);
        String tag = manifest.path("RepoTags").get(0).asText();
        JsonNode config = JSON.readTree(files.get(manifest.path("Config").asText())).path("config");
        Map<String, Long> inImage = new HashMap<>();
        for (JsonNode layer : manifest.path("Layers")) {
            try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(files.get(layer.asText())))) {
                untar(in, (name, size) -> inImage.put("/" + name.replaceFirst("^\\./", ""), size));
            }
        }

        assertThat(tag).isEqualTo("hubwatch/flink-jobs:0.1.0");
        assertThat(config.path("Entrypoint").isMissingNode() || config.path("Entrypoint").isNull())
                .as("the base image's entry point (Flink's) is kept: %s", config).isTrue();
        List<Path> deployments;
        try (Stream<Path> yaml = Files.list(Path.of("..", "k8s", "flink"))) {
            deployments = yaml.filter(p -> read(p).contains("kind: FlinkDeployment")).toList();
        }
        assertThat(deployments).hasSizeGreaterThanOrEqualTo(3);
        Path jobJar;
        try (Stream<Path> target = Files.list(Path.of("target"))) {
            jobJar = target.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst().orElseThrow();
        }
        for (Path deployment : deployments) {
            String text = Files.readString(deployment);
            Matcher image = IMAGE.matcher(text);
            Matcher jar = JAR_URI.matcher(text);
            assertThat(image.find()).as(deployment.toString()).isTrue();
            assertThat(image.group(1)).as(deployment + " names the image built here").isEqualTo(tag);
            assertThat(jar.find()).as(deployment.toString()).isTrue();
            assertThat(inImage).as(deployment + "'s jarURI is in the image").containsEntry(jar.group(1), Files.size(jobJar));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void untar(InputStream in, java.util.function.BiConsumer<String, Long> entries) throws IOException {
        untar(in, entries, null);
    }

    /** Walks an uncompressed tar: every entry's name and size to {@code entries}, and its bytes to {@code keep}. */
    private static void untar(InputStream in, java.util.function.BiConsumer<String, Long> entries, Map<String, byte[]> keep)
            throws IOException {
        byte[] header = new byte[512];
        while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
            String prefix = new String(header, 345, 155, StandardCharsets.US_ASCII).replace("\0", "");
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
            entries.accept(name, size);
            if (keep != null) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(in.readNBytes((int) size));
                keep.put(name, body.toByteArray());
            } else {
                in.skipNBytes(size);
            }
            in.skipNBytes((512 - size % 512) % 512);
        }
    }
}
