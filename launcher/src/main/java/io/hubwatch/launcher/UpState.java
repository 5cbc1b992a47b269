package io.hubwatch.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The small state file a running {@code up} writes, so that other commands find it without flags:
 * {@code <hubwatch home>/.hubwatch/up.json} with the pid, the Kafka bootstrap address and the HTTP endpoints.
 * The home is the checkout ({@code bin/hubwatch} passes {@code -Dhubwatch.home}); it is removed on a clean stop, and a
 * file whose process is gone is ignored.
 *
 * @param endpoints name to URL, e.g. {@code agent -> http://127.0.0.1:40123}
 */
public record UpState(long pid, String kafka, Map<String, String> endpoints, String startedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Path home() {
        return Path.of(System.getProperty("hubwatch.home", System.getProperty("user.dir")));
    }

    public static Path file() {
        return home().resolve(".hubwatch").resolve("up.json");
    }

    public void write() throws IOException {
        Files.createDirectories(file().getParent());
        Path tmp = file().resolveSibling("up.json.tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The state of a running {@code up}, if there is one. */
    public static Optional<UpState> running() {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            UpState state = JSON.readValue(f.toFile(), UpState.class);
            return ProcessHandle.of(state.pid()).filter(ProcessHandle::isAlive).map(p -> state);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The Kafka address to use: the flag when given, else the running {@code up}'s, else an explanation. */
    public static String kafkaOrExplain(String flag) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        return running().map(UpState::kafka).orElseThrow(() -> new IllegalArgumentException(
                "no --kafka given and no running 'hubwatch up' found (" + file() + ")"));
    }

    public static void remove() {
        try {
            Files.deleteIfExists(file());
        } catch (IOException ignored) {
            // a stale file is ignored by running() anyway
        }
    }
}
