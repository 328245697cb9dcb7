package dev.sori.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of identity tokens, as lowercase hex. Tokens are long random secrets, so unlike
 * passwords they need no salt or slowness: a stolen table still does not let anyone resume an
 * identity, and a lookup by hash stays an index lookup.
 */
final class TokenHashes {
    private TokenHashes() {
    }

    static String of(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
