package io.hubwatch.notify.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The notifications this notifier delivered, on disk ({@code <stateDir>/sent.log}, one {@code integration key} per
 * line), so that a restart does not send them again. Offsets are committed only after delivery, so a notifier killed
 * between delivering and committing reads those incidents again and rebuilds the same notification, with the same
 * idempotency key; webhooks can drop it by that key, but Slack and e-mail cannot, and a second "firing" would reach
 * people. With this log the notification is recognised and counted as delivered instead.
 *
 * <p>Bounded: the newest {@code capacity} entries are kept; the file is rewritten when it has twice as many lines.
 *
 * <pre>{@code
 * SentLog sent = SentLog.open(stateDir, 10_000);
 * if (!sent.contains("slack[0]", n.idempotencyKey())) { deliver(); sent.add("slack[0]", n.idempotencyKey()); }
 * }</pre>
 */
public final class SentLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SentLog.class);

    private final Path file;
    private final int capacity;
    private final LinkedHashSet<String> keys = new LinkedHashSet<>();
    private BufferedWriter out;
    private int lines;

    private SentLog(Path file, int capacity) {
        this.file = file;
        this.capacity = capacity;
    }

    /** Opens (creating the directory if needed) and reads the log. */
    public static SentLog open(Path stateDir, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the capacity must be at least 1, was " + capacity);
        }
        try {
            Files.createDirectories(stateDir);
            SentLog log = new SentLog(stateDir.resolve("sent.log"), capacity);
            if (Files.isRegularFile(log.file)) {
                for (String line : Files.readAllLines(log.file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        log.remember(line.strip());
                        log.lines++;
                    }
                }
            }
            log.out = Files.newBufferedWriter(log.file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the notifier state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    public synchronized boolean contains(String integration, String idempotencyKey) {
        return keys.contains(integration + " " + idempotencyKey);
    }

    /** Records a delivery; a failure to write is logged, never thrown (the delivery itself succeeded). */
    public synchronized void add(String integration, String idempotencyKey) {
        String entry = integration + " " + idempotencyKey;
        if (!remember(entry)) {
            return;
        }
        try {
            out.write(entry);
            out.newLine();
            out.flush();
            lines++;
            if (lines >= 2 * capacity) {
                compact();
            }
        } catch (IOException e) {
            LOG.error("could not record a delivered notification in {}: {}; after a restart it may be sent again",
                    file, e.getMessage());
        }
    }

    private boolean remember(String entry) {
        if (!keys.add(entry)) {
            return false;
        }
        while (keys.size() > capacity) {
            keys.remove(keys.iterator().next());
        }
        return true;
    }

    private void compact() throws IOException {
        out.close();
        Path tmp = file.resolveSibling("sent.log.tmp");
        Files.write(tmp, new ArrayList<>(keys), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        lines = keys.size();
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** The entries kept, oldest first (for tests and diagnostics). */
    public synchronized List<String> entries() {
        return List.copyOf(keys);
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", file, e.getMessage());
        }
    }
}
