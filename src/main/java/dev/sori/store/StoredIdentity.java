package dev.sori.store;

import java.time.Instant;

/**
 * An identity as stored. The token is not part of it: only its hash is kept.
 *
 * @param id         its public id
 * @param nick       its nickname
 * @param color      its colour
 * @param createdAt  when it was created
 * @param lastSeenAt when it was last {@linkplain IdentityStore#seen seen}
 */
public record StoredIdentity(String id, String nick, String color, Instant createdAt, Instant lastSeenAt) {
}
