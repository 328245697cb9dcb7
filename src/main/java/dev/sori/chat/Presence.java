package dev.sori.chat;

/**
 * Who is in which room, counted two ways: connections ({@code count} on the wire) and distinct
 * identities ({@code people}). Rooms report their members' entries and exits here and read their
 * counts from here, so that in a cluster the counts can be those of every node (Centrifuge's
 * {@code PresenceManager}). Every implementation runs {@code PresenceContract}.
 *
 * <p>Threading: a room calls {@link #joined} and {@link #left} under its own lock, so for one room
 * they are never concurrent and arrive in the order the room saw them; they must not block.
 * Different rooms call concurrently.
 */
public interface Presence {

    /** The counts of a room at one moment. */
    record Headcount(int connections, int people) {
        public static final Headcount EMPTY = new Headcount(0, 0);
    }

    /** A connection of {@code identityId} entered {@code room}; returns the counts after it. */
    Headcount joined(String room, String identityId);

    /** A connection of {@code identityId} left {@code room}; returns the counts after it. */
    Headcount left(String room, String identityId);

    /** The counts of {@code room} now. */
    Headcount headcount(String room);

    /** The room is gone: forget its counts. */
    void forget(String room);
}
