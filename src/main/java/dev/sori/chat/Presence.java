package dev.sori.chat;

import java.util.List;

/**
 * Who is in which room, counted two ways: connections ({@code count} on the wire) and distinct
 * identities ({@code people}). Rooms report their members' entries and exits here and read their
 * counts from here, so that in a cluster the counts are those of every node (Centrifuge's
 * {@code PresenceManager}). Every implementation runs {@code PresenceContract}.
 *
 * <p>On one node ({@link LocalPresence}) that is all. In a cluster the presence also tells the
 * other nodes what happens here (entries, exits, renames, typing) and tells a {@link Listener}
 * what happens there, so that each room can announce it to its own members.
 *
 * <p>Threading: a room calls {@link #joined}, {@link #left}, {@link #renamed} and {@link #typing}
 * under its own lock, so for one room they are never concurrent and arrive in the order the room
 * saw them; they must not block. Different rooms call concurrently. The listener is called by one
 * thread at a time, never under a room's lock, and must not block either.
 */
public interface Presence {

    /** The counts of a room at one moment. */
    record Headcount(int connections, int people) {
        public static final Headcount EMPTY = new Headcount(0, 0);
    }

    /** One connection's member as the others see it: its identity and how it shows. */
    record Member(String identityId, String uid, String nick, String color) {
        static Member of(Identity identity) {
            return new Member(identity.id(), identity.uid(), identity.nick(), identity.color());
        }
    }

    /** A connection of {@code who} entered {@code room}; returns the counts after it. */
    Headcount joined(String room, Member who);

    /** A connection of {@code who} left {@code room}; returns the counts after it. */
    Headcount left(String room, Member who);

    /**
     * A connection of {@code who} was removed from {@code room} by a moderator ({@code kind}:
     * {@code kick} or {@code ban}): a {@link #left} that the other nodes announce as that kind.
     */
    default Headcount removed(String room, Member who, String kind) {
        return left(room, who);
    }

    /** The counts of {@code room} now. */
    Headcount headcount(String room);

    /** The room is gone: forget its counts. */
    void forget(String room);

    /** The members of {@code room} connected to other nodes, one per connection; none on one node. */
    default List<Member> elsewhere(String room) {
        return List.of();
    }

    /** {@code who}, a member here, renamed from {@code oldNick}: the other nodes' rooms announce it. */
    default void renamed(String room, Member who, String oldNick) {
    }

    /** {@code who}, a member here, is typing in {@code room}. */
    default void typing(String room, Member who) {
    }

    /** Where what members of other nodes do is told; called once, before the first member enters. */
    default void listen(Listener listener) {
    }

    /** Whether this node is the one that removes empty rooms (in a cluster, one node does). */
    default boolean removesEmptyRooms() {
        return true;
    }

    /** What members of other nodes did; each call carries the room's counts after it. */
    interface Listener {
        void joined(String room, Member who, Headcount after);

        void left(String room, Member who, Headcount after);

        /** A member of another node was removed by a moderator ({@code kind}: kick or ban). */
        default void removed(String room, Member who, Headcount after, String kind) {
            left(room, who, after);
        }

        void renamed(String room, Member who, String oldNick);

        void typing(String room, Member who);
    }
}
