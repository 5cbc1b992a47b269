package io.hubwatch.launcher.guides;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubwatch.launcher.HubwatchProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void everyRunnableBlockOfTheGuidesSucceedsAgainstARunningUp() throws Exception {
        List<Block> blocks = runnableBlocks(ROOT.resolve("docs/guides"));
        assertThat(blocks).as("runnable blocks in docs/guides").hasSizeGreaterThanOrEqualTo(5);

        List<String> failures = new ArrayList<>();
        try (HubwatchProcess up = HubwatchProcess.start(ROOT, "up", "--interval", "2s")) {
            up.awaitReady(Duration.ofSeconds(240));
            // bin/hubwatch as a function: the same launcher on this test's class path, so no build runs inside
            String prelude = "bin/hubwatch() { " + String.join(" ", HubwatchProcess.command(ROOT).stream()
                    .map(GuidesITCase::quote).toList()) + " \"$@\"; }\n";
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
        }
        assertThat(failures).as(String.join("\n\n", failures)).isEmpty();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
