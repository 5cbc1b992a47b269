package io.hubwatch.events;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * One MD5 and one SHA-256 digest per thread, for the ids and fingerprints made per incident.
 *
 * <p>Why not {@code MessageDigest.getInstance} per call (as {@link UUID#nameUUIDFromBytes} does): the provider lookup
 * behind it was a fifth of the alert lifecycle's CPU samples in {@code benchmarks/alert-throughput.sh} (JFR,
 * 2026-12-03), more than the digests themselves.
 */
final class Digests {
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> create("MD5"));
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> create("SHA-256"));

    private Digests() {}

    /** This thread's SHA-256 digest, reset: use it up (digest) before asking again on the same thread. */
    static MessageDigest sha256() {
        MessageDigest sha = SHA_256.get();
        sha.reset();
        return sha;
    }

    /** The same as {@link UUID#nameUUIDFromBytes}: a version 3 (MD5, name-based) UUID. */
    static UUID nameUuid(byte[] name) {
        MessageDigest md5 = MD5.get();
        md5.reset();
        byte[] hash = md5.digest(name);
        hash[6] &= 0x0f;  // clear version
        hash[6] |= 0x30;  // set to version 3
        hash[8] &= 0x3f;  // clear variant
        hash[8] |= (byte) 0x80;  // set to IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
        }
        for (int i = 8; i < 16; i++) {
            lsb = (lsb << 8) | (hash[i] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static MessageDigest create(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is always present in a JDK", e);
        }
    }
}
