package io.hubwatch.launcher.alerts;

import io.hubwatch.launcher.UpState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The API token of the running {@code up}: {@code <hubwatch home>/.hubwatch/api-token}, readable by its owner only
 * (0600). {@code up} writes a new one on every start; the CLI reads it.
 *
 * <pre>{@code
 * String token = ApiTokenFile.generate();   // 32 random bytes, base64url
 * ApiTokenFile.write(token);
 * }</pre>
 */
public final class ApiTokenFile {
    private ApiTokenFile() {}

    public static Path path() {
        return UpState.home().resolve(".hubwatch").resolve("api-token");
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Writes the token so that only the owner can read it, even for the moment between create and write. */
    public static void write(String token) throws IOException {
        Path file = path();
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        } catch (FileAlreadyExistsException e) {
            // created concurrently; the permissions are set below
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    public static String read() throws IOException {
        return Files.readString(path(), StandardCharsets.UTF_8).trim();
    }

    public static void remove() {
        try {
            Files.deleteIfExists(path());
        } catch (IOException ignored) {
            // a stale token is useless once up is gone: the API that knew it is stopped
        }
    }
}
