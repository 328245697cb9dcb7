package dev.sori.chat;

/**
 * A moderator's decision about a room, already stored, on its way to every node's members over
 * the {@link RoomBus}: someone removed ({@link Kind#KICK}), removed and kept out
 * ({@link Kind#BAN}), let back in ({@link Kind#UNBAN}), or a message deleted
 * ({@link Kind#DELETE}).
 *
 * @param room   the room
 * @param kind   what was decided
 * @param uid    whom it is about (kick, ban, unban), null for a deletion
 * @param seq    the deleted message (delete), 0 otherwise
 * @param byNick the moderator's nickname, as the removed person is told
 */
public record Moderation(String room, Kind kind, String uid, long seq, String byNick) {

    /** What a moderator decided. */
    public enum Kind { KICK, BAN, UNBAN, DELETE }

    static Moderation removed(String room, String uid, boolean ban, String byNick) {
        return new Moderation(room, ban ? Kind.BAN : Kind.KICK, uid, 0, byNick);
    }
}
