package dev.sori.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of the HTTP API ({@code --api-key}): a comma-separated list, so that a new key can be
 * given to the publishers before the old one is taken away. Only the SHA-256 of each is kept, and
 * a presented key is compared with every one of them in constant time ({@link MessageDigest#isEqual}
 * over digests of equal length), so neither its length nor its first right characters show in the
 * time of an answer. The keys are never logged, nor returned by {@link #toString}.
 */
public final class ApiKeys {
    /** No key: the publish (and moderation) endpoints answer {@code 404}. */
    public static final ApiKeys NONE = new ApiKeys(List.of());

    private final List<byte[]> digests;

    private ApiKeys(List<byte[]> digests) {
        this.digests = digests;
    }

    /** The keys of {@code list} (comma-separated, spaces around them ignored), or {@link #NONE} for null or blank. */
    public static ApiKeys parse(String list) {
        if (list == null) {
            return NONE;
        }
        List<byte[]> digests = new ArrayList<>();
        for (String key : list.split(",")) {
            String k = key.strip();
            if (!k.isEmpty()) {
                digests.add(sha256(k));
            }
        }
        return new ApiKeys(List.copyOf(digests));
    }

    public boolean configured() {
        return !digests.isEmpty();
    }

    /**
     * Which key (its place in the list, for per-key limits) an {@code Authorization} header
     * presents as {@code Bearer}, or -1 when none does or the header is missing. Every key is
     * compared, whichever matches.
     */
    public int match(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return -1;
        }
        byte[] presented = sha256(authorization.substring(7).strip());
        int found = -1;
        for (int i = 0; i < digests.size(); i++) {
            if (MessageDigest.isEqual(digests.get(i), presented) && found < 0) {
                found = i;
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return "ApiKeys[" + digests.size() + " keys]";
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
