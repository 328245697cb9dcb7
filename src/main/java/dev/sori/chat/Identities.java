package dev.sori.chat;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The identities known to this server, by token. Kept in memory, so they last as long as the
 * process; the oldest unused ones are forgotten past {@code capacity} so that a stream of new
 * connections cannot grow the map without bound.
 */
public final class Identities {
    private static final Base64.Encoder TOKEN_ENCODING = Base64.getUrlEncoder().withoutPadding();

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Identity> byToken;

    public Identities(int capacity) {
        // access-ordered: a resumed identity moves to the young end
        this.byToken = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Identity> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The identity of {@code token}, or a fresh one when the token is null, unknown or forgotten. */
    public synchronized Identity resume(String token) {
        if (token != null) {
            Identity known = byToken.get(token);
            if (known != null) {
                return known;
            }
        }
        Identity fresh = new Identity(randomString(12), randomString(32), Nicknames.anonymous(random));
        byToken.put(fresh.token(), fresh);
        return fresh;
    }

    private String randomString(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return TOKEN_ENCODING.encodeToString(b);
    }
}
