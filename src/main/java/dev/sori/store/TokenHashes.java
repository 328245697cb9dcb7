package dev.sori.store;

import dev.sori.chat.Identities;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key an identity's token is stored and looked up by: the token's SHA-256 as lowercase hex,
 * after the creation time the token starts with ({@link Identities#timePrefix}; tokens of the
 * earlier layout have none and keep the bare hash). Tokens are long random secrets, so unlike
 * passwords they need no salt or slowness: a stolen table still does not let anyone resume an
 * identity, and a lookup stays an index lookup. The time in front is no secret (the id starts
 * with it too) and keeps the index growing at its end.
 */
final class TokenHashes {
    private TokenHashes() {
    }

    static String of(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Identities.timePrefix(token) + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
