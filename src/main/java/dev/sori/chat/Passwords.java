package dev.sori.chat;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Room passwords as slow salted hashes: PBKDF2 with HMAC-SHA256 from the JDK, a random 16-byte
 * salt per password, encoded as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (unpadded
 * base64). The iteration count travels with each hash, so raising the default later keeps old
 * hashes verifiable, and {@link #needsRehash} says which to upgrade.
 *
 * <p>Hashing and verifying cost tens to hundreds of milliseconds of CPU by design: never on a
 * thread that delivers messages. Nothing here logs, and no exception message contains a password.
 * Thread-safe.
 */
public final class Passwords {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 600_000;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final int MIN_ITERATIONS = 1_000;
    // A stored hash is trusted input only up to a point: a corrupt or hostile row must not be
    // able to make one verification burn minutes of CPU.
    private static final int MAX_ITERATIONS = 10_000_000;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public Passwords() {
        this(DEFAULT_ITERATIONS);
    }

    /** @param iterations for new hashes; verification uses each hash's own count */
    public Passwords(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations must be " + MIN_ITERATIONS + "-" + MAX_ITERATIONS);
        }
        this.iterations = iterations;
    }

    /** The encoded hash of a non-empty password. */
    public String hash(String password) {
        requirePassword(password);
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, iterations, HASH_BITS);
        return SCHEME + "$" + iterations + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} matches {@code encoded}, comparing in constant time. A malformed or
     * unknown encoding never matches.
     */
    public boolean verify(String password, String encoded) {
        if (password == null || password.isEmpty() || encoded == null) {
            return false;
        }
        Parsed parsed = parse(encoded);
        if (parsed == null) {
            return false;
        }
        byte[] actual = pbkdf2(password, parsed.salt(), parsed.iterations(), parsed.hash().length * 8);
        return MessageDigest.isEqual(actual, parsed.hash());
    }

    /** Whether {@code encoded} was made with weaker settings than this instance's and should be redone. */
    public boolean needsRehash(String encoded) {
        Parsed parsed = parse(encoded);
        return parsed == null || parsed.iterations() < iterations || parsed.salt().length < SALT_BYTES
                || parsed.hash().length * 8 < HASH_BITS;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            return null;
        }
        try {
            int n = Integer.parseInt(parts[1]);
            byte[] salt = B64D.decode(parts[2]);
            byte[] hash = B64D.decode(parts[3]);
            if (n < MIN_ITERATIONS || n > MAX_ITERATIONS || salt.length == 0 || hash.length < 16 || hash.length > 64) {
                return null;
            }
            return new Parsed(n, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] pbkdf2(String password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java SE 8+ runtime must provide it; without it no password can be checked.
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static void requirePassword(String password) {
        Objects.requireNonNull(password, "password");
        if (password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
    }
}
