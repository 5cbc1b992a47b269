package io.hubwatch.dbproxy.internal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** SCRAM-SHA-256 (RFC 5802, 7677) as PostgreSQL uses it: the arithmetic both sides share. */
final class Scram {
    static final SecureRandom RANDOM = new SecureRandom();

    /** A stored verifier: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}. */
    record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
        static Verifier parse(String text) {
            String[] parts = text.split("[$:]");
            if (parts.length != 5 || !parts[0].equals("SCRAM-SHA-256")) {
                throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier");
            }
            Base64.Decoder d = Base64.getDecoder();
            return new Verifier(Integer.parseInt(parts[1]), d.decode(parts[2]), d.decode(parts[3]), d.decode(parts[4]));
        }

        static Verifier fromPassword(String password, byte[] salt, int iterations) {
            byte[] salted = hi(password, salt, iterations);
            return new Verifier(iterations, salt, sha256(hmac(salted, "Client Key")), hmac(salted, "Server Key"));
        }
    }

    private Scram() {}

    static byte[] hi(String password, byte[] salt, int iterations) {
        try {
            var spec = new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    static String nonce() {
        byte[] n = new byte[18];
        RANDOM.nextBytes(n);
        return Base64.getEncoder().encodeToString(n);
    }

    /** {@code a=b,c=d} attributes of a SCRAM message. */
    static Map<Character, String> attributes(String message) {
        Map<Character, String> out = new HashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                out.put(part.charAt(0), part.substring(2));
            }
        }
        return out;
    }
}
