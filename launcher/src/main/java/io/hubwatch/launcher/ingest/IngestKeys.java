package io.hubwatch.launcher.ingest;

import io.hubwatch.launcher.UpState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The local ingest keys, each created with 128 random bits on first use (mode 0600): the server key
 * {@code <hubwatch home>/.hubwatch/ingest-key} (may post everything; {@code load} sends with it) and the beacon key
 * {@code .hubwatch/beacon-key} (may post beacons only: it goes into pages' source). {@code up} and {@code ingest}
 * serve both.
 *
 * <pre>{@code
 * String key = IngestKeys.loadOrCreate(IngestKeys.file());
 * }</pre>
 */
public final class IngestKeys {
    private IngestKeys() {}

    public static Path file() {
        return UpState.home().resolve(".hubwatch").resolve("ingest-key");
    }

    /** The beacon key's file. */
    public static Path beaconFile() {
        return UpState.home().resolve(".hubwatch").resolve("beacon-key");
    }

    public static String loadOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return read(file);
        }
        Files.createDirectories(file.getParent());
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        String key = "hw_" + HexFormat.of().formatHex(bytes);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the default permissions
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /** @throws IOException with the file name when it is missing or empty */
    public static String read(Path file) throws IOException {
        String key;
        try {
            key = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            // the exception's own message is the bare path, which is all a command line error would show
            throw new IOException("no ingest key: " + file + " does not exist (give --key, or start 'hubwatch up', "
                    + "which writes it)", e);
        }
        if (key.isEmpty()) {
            throw new IOException("the ingest key file " + file + " is empty");
        }
        return key;
    }
}
