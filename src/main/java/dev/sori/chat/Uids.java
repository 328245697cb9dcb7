package dev.sori.chat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Public ids of identities ({@code uid} in protocol 1.1): 16 URL-safe characters (96 bits) of a
 * SHA-256 of the identity's id. Stable for the identity's life, the same on every node, and
 * neither the token nor the id can be read back from it. The id itself is not sent because it
 * starts with its creation time, which is nobody else's business.
 */
public final class Uids {
    static final int CHARS = 16;
    private static final byte[] DOMAIN = "sori.uid:".getBytes(StandardCharsets.US_ASCII);

    private Uids() {
    }

    /** The uid of the identity {@code identityId}, or null for null. */
    public static String of(String identityId) {
        if (identityId == null) {
            return null;
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha.update(DOMAIN);
        byte[] hash = sha.digest(identityId.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, CHARS);
    }
}
