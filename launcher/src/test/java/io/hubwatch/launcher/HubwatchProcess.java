package io.hubwatch.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code bin/hubwatch} command in a JVM of its own, as a user runs it: the launcher's main class on this test's class
 * path (so no build runs inside a test), its home set to a folder of the test's choosing. Its output is read as it
 * comes, so a long-running command such as {@code up} can be waited for until it prints READY.
 *
 * <pre>{@code
 * try (HubwatchProcess up = HubwatchProcess.start(home, "up", "--rules", rules.toString())) {
 *     String ready = up.awaitReady(Duration.ofMinutes(4));
 *     URI ingest = URI.create(HubwatchProcess.field(ready, "ingest"));
 *     ...
 *     assertThat(up.stop(Duration.ofMinutes(2))).isZero();   // SIGTERM, as Ctrl-C or systemd would
 * }
 * }</pre>
 */
public final class HubwatchProcess implements AutoCloseable {
    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final Thread reader;

    private HubwatchProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::read, "hubwatch-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** The command line: this JVM's java, the launcher's main class, {@code -Dhubwatch.home=home}, then {@code args}. */
    public static List<String> command(Path home, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dhubwatch.home=" + home, "-cp", System.getProperty("java.class.path"), Hubwatch.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** Starts {@code hubwatch args...} with {@code home} as its home and working directory. */
    public static HubwatchProcess start(Path home, String... args) throws IOException {
        return new HubwatchProcess(new ProcessBuilder(command(home, args)).directory(home.toFile())
                .redirectErrorStream(true).start());
    }

    /**
     * Runs a short command to its end and returns what it printed.
     *
     * @throws AssertionError when it does not end within {@code timeout} or exits non-zero, with its output
     */
    public static String run(Path home, Duration timeout, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(home, args)).directory(home.toFile()).redirectErrorStream(true).start();
        CompletableFuture<String> printed = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e + ")";
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hubwatch " + String.join(" ", args) + " did not end within " + timeout
                    + "; output:\n" + printed.getNow("(none yet)"));
        }
        String out = printed.join();
        if (p.exitValue() != 0) {
            throw new AssertionError("hubwatch " + String.join(" ", args) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    /** The value of {@code name=} in a READY line, e.g. {@code field(ready, "ingest")}. */
    public static String field(String readyLine, String name) {
        for (String part : readyLine.split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError("READY line has no " + name + "=: " + readyLine);
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    output.add(line);
                }
                if (line.startsWith("READY ")) {
                    ready.complete(line);
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        ready.complete(null);
    }

    /**
     * Waits for the READY line.
     *
     * @throws AssertionError with the output so far when the process ends or the time passes without one
     */
    public String awaitReady(Duration timeout) throws InterruptedException {
        String line;
        try {
            line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            line = null;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        }
        if (line == null) {
            throw new AssertionError("no READY line within " + timeout + "; output:\n" + String.join("\n", tail(60)));
        }
        return line;
    }

    /** Everything printed so far. */
    public List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    /** The last {@code n} lines printed. */
    public List<String> tail(int n) {
        synchronized (output) {
            return new ArrayList<>(output.subList(Math.max(0, output.size() - n), output.size()));
        }
    }

    /**
     * Sends SIGTERM (keeping our end of its output open, which {@link Process#destroy} would close) and waits.
     *
     * @return its exit code, or -1 when it did not end within {@code timeout} (it is then killed)
     */
    public int stop(Duration timeout) throws InterruptedException {
        process.toHandle().destroy();
        boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(5_000);
        return ended ? process.exitValue() : -1;
    }

    /** Stops it if it still runs (a test that failed half-way). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(Duration.ofSeconds(90));
        }
    }
}
