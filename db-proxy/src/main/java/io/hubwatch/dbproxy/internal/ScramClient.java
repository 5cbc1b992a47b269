package io.hubwatch.dbproxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/** The proxy's side of SCRAM-SHA-256 towards a server that asks for it. */
final class ScramClient {
    private final String password;
    private final String clientFirstBare;
    private String authMessage;
    private byte[] saltedPassword;

    ScramClient(String user, String password) {
        this.password = password;
        this.clientFirstBare = "n=,r=" + Scram.nonce();
    }

    ByteBuf initial(ByteBufAllocator alloc) {
        byte[] first = ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
        ByteBuf b = Wire.begin(alloc, 'p');
        Wire.cstring(b, "SCRAM-SHA-256");
        b.writeInt(first.length).writeBytes(first);
        return Wire.finish(b);
    }

    ByteBuf finalMessage(ByteBufAllocator alloc, String serverFirst) {
        Map<Character, String> a = Scram.attributes(serverFirst);
        byte[] salt = Base64.getDecoder().decode(a.get('s'));
        saltedPassword = Scram.hi(password, salt, Integer.parseInt(a.get('i')));
        String withoutProof = "c=biws,r=" + a.get('r');
        authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = Scram.hmac(saltedPassword, "Client Key");
        byte[] signature = Scram.hmac(Scram.sha256(clientKey), authMessage);
        String proof = Base64.getEncoder().encodeToString(Scram.xor(clientKey, signature));
        return Wire.bytes(alloc, 'p', (withoutProof + ",p=" + proof).getBytes(StandardCharsets.UTF_8));
    }

    void verify(String serverFinal) {
        byte[] expected = Scram.hmac(Scram.hmac(saltedPassword, "Server Key"), authMessage);
        String v = Scram.attributes(serverFinal).get('v');
        if (v == null || !MessageDigest.isEqual(expected, Base64.getDecoder().decode(v))) {
            throw new IllegalStateException("the server's SCRAM signature does not match");
        }
    }
}
