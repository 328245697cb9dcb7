package dev.sori.chat;

import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The identities in use, by token, in front of an {@link IdentityCatalog}. The most recently
 * used {@code capacity} stay in memory; a token not among them is looked up in the catalog.
 */
public final class Identities {
    private static final System.Logger LOG = System.getLogger(Identities.class.getName());
    private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();
    /** Crockford's base32: digits, then letters without I, L, O, U; in ASCII order. */
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** Characters of creation time at the front of the ids and tokens made here. */
    private static final int TIME_CHARS = 10;
    /** A token made here: its time, then 32 random bytes in base64url (43 characters). */
    private static final int TOKEN_CHARS = TIME_CHARS + 43;

    private final SecureRandom random = new SecureRandom();
    private final IdentityCatalog catalog;
    private final Map<String, Identity> byToken; // guarded by this

    public Identities(int capacity, IdentityCatalog catalog) {
        this.catalog = catalog;
        // access-ordered: a resumed identity moves to the young end
        this.byToken = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Identity> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The identity of {@code token}, or a fresh one when the token is null or unknown. Completes
     * at once for an identity in memory; a fresh one completes once the catalog has stored it, so
     * that its token, once handed out, resumes it after a restart too. If the catalog fails, a
     * fresh identity is given rather than none (the user loses their name, not their chat).
     */
    public CompletionStage<Identity> resume(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return fresh();
        }
        return find(token).handle((found, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "identity lookup failed, giving a fresh identity: {0}", failure.toString());
                return null;
            }
            return found.orElse(null);
        }).thenCompose(found -> found != null ? CompletableFuture.completedFuture(found) : fresh());
    }

    /**
     * The identity of {@code token}, if there is one (an HTTP request authenticated by it); never
     * makes one. Fails when the catalog fails.
     */
    public CompletionStage<Optional<Identity>> find(String token) {
        if (token == null || token.isEmpty() || token.length() > 128) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        synchronized (this) {
            Identity known = byToken.get(token);
            if (known != null) {
                return CompletableFuture.completedFuture(Optional.of(known));
            }
        }
        return catalog.findByToken(token).thenApply(saved -> {
            if (saved.isEmpty()) {
                return Optional.empty();
            }
            catalog.seen(saved.get().id());
            synchronized (this) {
                // Two tabs may have raced here with the same token: keep one object per identity.
                return Optional.of(byToken.computeIfAbsent(token, t -> new Identity(saved.get().id(), t,
                        saved.get().nick(), saved.get().color(), CompletableFuture.completedFuture(null))));
            }
        });
    }

    /** Forgets, in the catalog, identities unused for {@code unused}; see {@link IdentityCatalog#forgetUnseenSince}. */
    public void forgetUnused(java.time.Duration unused, long nowMillis) {
        catalog.forgetUnseenSince(nowMillis - unused.toMillis());
    }

    /** Renames {@code identity} now and in the catalog; completes when the catalog has it. */
    public CompletionStage<Void> rename(Identity identity, String nick) {
        identity.rename(nick);
        return identity.saved().thenCompose(v -> catalog.rename(identity.id(), nick));
    }

    /**
     * A new identity, completing once the catalog has committed it (or failed to: then it lasts
     * as long as the process, and the failure is logged). The catalog may commit many at once.
     */
    private CompletionStage<Identity> fresh() {
        String id = newId(System.currentTimeMillis());
        String token = newToken(id);
        String nick = Nicknames.anonymous(random);
        String color = Colors.of(id);
        CompletionStage<Void> saved = catalog.create(id, token, nick, color);
        saved.whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.log(Level.WARNING, "identity {0} not saved: {1}", id, failure.toString());
            }
        });
        Identity identity = new Identity(id, token, nick, color, saved);
        synchronized (this) {
            byToken.put(token, identity);
        }
        return saved.handle((v, failure) -> identity);
    }

    /**
     * A new public id in the ULID layout: 48 bits of milliseconds, then 80 random bits, in
     * Crockford's base32 (26 characters, whose order is the order of creation). Ids that grow with
     * time are appended at the end of the catalog's index instead of landing on a random page of
     * it, so committing a burst of new identities rewrites few index pages. The id is never sent
     * to clients; it only says when the identity was created.
     */
    String newId(long epochMillis) {
        byte[] r = new byte[10];
        random.nextBytes(r);
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) { // 10 chars × 5 bits = 50 bits of time, the top 2 always 0
            out[i] = CROCKFORD[(int) (epochMillis & 31)];
            epochMillis >>>= 5;
        }
        long high = 0;
        for (int i = 0; i < 5; i++) {
            high = (high << 8) | (r[i] & 0xff);
        }
        long low = 0;
        for (int i = 5; i < 10; i++) {
            low = (low << 8) | (r[i] & 0xff);
        }
        for (int i = 17; i >= 10; i--) { // 8 chars × 5 bits = the first 40 random bits
            out[i] = CROCKFORD[(int) (high & 31)];
            high >>>= 5;
        }
        for (int i = 25; i >= 18; i--) { // and the other 40
            out[i] = CROCKFORD[(int) (low & 31)];
            low >>>= 5;
        }
        return new String(out);
    }

    /**
     * A new token for the identity {@code id}: the id's creation time, then 256 random bits in
     * base64url. The random part is the secret. The time in front is only there for the catalog:
     * it keys tokens by it (see {@link #timePrefix}), so that a burst of new identities is appended
     * to the end of its token index, as to its primary key, instead of dirtying a random page of
     * it per identity, which made the commit before {@code welcome} the dearest part of a handshake.
     */
    String newToken(String id) {
        return id.substring(0, TIME_CHARS) + randomString(32);
    }

    /**
     * The creation time at the front of a token made here ({@value #TIME_CHARS} characters of
     * Crockford's base32); "" for any other string, such as a token of the earlier layout (43
     * random characters, no time), which therefore keeps its old key.
     */
    public static String timePrefix(String token) {
        if (token.length() != TOKEN_CHARS) {
            return "";
        }
        for (int i = 0; i < TIME_CHARS; i++) {
            if (Arrays.binarySearch(CROCKFORD, token.charAt(i)) < 0) {
                return "";
            }
        }
        return token.substring(0, TIME_CHARS);
    }

    private String randomString(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return TOKEN_ENCODING.encodeToString(b);
    }
}
