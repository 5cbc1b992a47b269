package io.hubwatch.launcher.guides;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.launcher.Hubwatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The guides cannot drift: every shell block of {@code docs/guides/*.md} fenced as {@code ```bash runnable} runs,
 * from the checkout's root, against a running {@code hubwatch up}, and must exit 0.
 */
class GuidesITCase {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    /** A runnable block: where it is and its text. */
    record Block(String where, String script) {
    }

    static List<Block> runnableBlocks(Path guides) throws IOException {
        List<Block> blocks = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(guides)) {
            files = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).trim().equals("```bash runnable")) {
                    int start = i + 1;
                    StringBuilder script = new StringBuilder();
                    while (++i < lines.size() && !lines.get(i).trim().equals("```")) {
                        script.append(lines.get(i)).append('\n');
                    }
                    blocks.add(new Block(ROOT.relativize(f) + ":" + start, script.toString()));
                }
            }
        }
        return blocks;
    }

    private static List<String> java() {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dhubwatch.home=" + ROOT, "-cp", System.getProperty("java.class.path"), Hubwatch.class.getName()));
    }

    @Test
    void everyRunnableBlockOfTheGuidesSucceedsAgainstARunningUp() throws Exception {
        List<Block> blocks = runnableBlocks(ROOT.resolve("docs/guides"));
        assertThat(blocks).as("runnable blocks in docs/guides").hasSizeGreaterThanOrEqualTo(5);

        List<String> command = java();
        command.addAll(List.of("up", "--interval", "2s"));
        Process up = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        List<String> upOutput = new ArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (upOutput) {
                        upOutput.add(line);
                    }
                    if (line.startsWith("READY ")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.complete(null);
        });
        reader.start();
        List<String> failures = new ArrayList<>();
        try {
            assertThat(ready.get(240, TimeUnit.SECONDS)).as("up's output: %s", upOutput).isNotNull();
            // bin/hubwatch as a function: the same launcher on this test's class path, so no build runs inside
            String prelude = "bin/hubwatch() { " + String.join(" ", java().stream().map(GuidesITCase::quote).toList())
                    + " \"$@\"; }\n";
            for (Block b : blocks) {
                Process p = new ProcessBuilder("bash", "-euo", "pipefail", "-c", prelude + b.script())
                        .directory(ROOT.toFile()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                boolean done = p.waitFor(180, TimeUnit.SECONDS);
                if (!done || p.exitValue() != 0) {
                    p.destroyForcibly();
                    failures.add(b.where() + " exited " + (done ? p.exitValue() : "(timed out)") + ":\n" + b.script()
                            + "--- output ---\n" + out);
                }
            }
        } finally {
            up.toHandle().destroy();
            up.waitFor(60, TimeUnit.SECONDS);
            reader.join(5_000);
        }
        assertThat(failures).as(String.join("\n\n", failures)).isEmpty();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
