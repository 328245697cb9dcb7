package dev.sori.store;

import java.time.Instant;

/**
 * A room as stored.
 *
 * @param id           the room id
 * @param title        its title
 * @param max          its capacity, or null for no limit
 * @param passwordHash the encoded password hash for {@code dev.sori.chat.Passwords#verify}, or null when open
 * @param ownerId      the owner's identity id, or null (for {@code general}, or an owner forgotten)
 * @param ownerNick    the owner's current nickname, or null
 * @param permanent    never deleted, neither by its owner nor as an empty room ({@code general})
 * @param createdAt    when it was created
 * @param lastActiveAt when a message was last committed to it, or it was last occupied
 * @param emptiedAt    when its last member left, or null while it has members (as far as the
 *                     callers of {@link RoomStore#markEmptied}/{@link RoomStore#markOccupied} know)
 * @param lastSeq      the seq of its latest message, 0 before the first
 */
public record StoredRoom(String id, String title, Integer max, String passwordHash, String ownerId,
        String ownerNick, boolean permanent, Instant createdAt, Instant lastActiveAt, Instant emptiedAt,
        long lastSeq) {

    /** Whether joining needs a password. */
    public boolean locked() {
        return passwordHash != null;
    }

    @Override
    public String toString() {
        return "StoredRoom[id=" + id + ", max=" + max + ", locked=" + locked() + ", ownerId=" + ownerId
                + ", permanent=" + permanent + ", lastSeq=" + lastSeq + "]";
    }
}
