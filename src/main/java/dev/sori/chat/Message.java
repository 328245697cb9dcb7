package dev.sori.chat;

/**
 * One message of a room: the domain's only message type. Posting makes a {@linkplain #draft
 * draft} (no {@code seq}, no {@code ts}); the message log gives it both when it commits it.
 * The store maps it to rows and {@link Frames} maps it to the wire, each in one place.
 *
 * @param room     the room id
 * @param seq      its place in the room, 1, 2, 3… with no gap; 0 in a draft
 * @param authorId the author's identity id (never sent to clients: they see {@link Uids#of} of
 *                 it), or null for a message without an identity
 * @param nick     the author's nickname when sending
 * @param color    the author's colour when sending
 * @param text     the body; with {@code media}, its caption (possibly empty)
 * @param media    the image it carries, or null
 * @param ts       epoch milliseconds of the commit; 0 in a draft
 * @param cid      the client's id for it ({@code cid} of protocol 1.1), or null
 * @param except   the connection ({@code sid}) that posted it with {@code echo:false} and must not
 *                 get it back, or null. A posting instruction that travels with the message to
 *                 its delivery; never stored, so always null in history
 * @param bot      whether a program posted it through the HTTP API rather than a person in the
 *                 page: shown as such, with the nickname the program gave
 * @param deleted  a tombstone: the message was deleted (moderation), its text is empty and it
 *                 has no media; it keeps its place ({@code seq}) in the room
 */
public record Message(String room, long seq, String authorId, String nick, String color, String text, Media media,
                      long ts, String cid, String except, boolean bot, boolean deleted) {

    /** A message posted by a person (not {@linkplain #bot a bot}), not deleted. */
    public Message(String room, long seq, String authorId, String nick, String color, String text, Media media,
                   long ts, String cid, String except) {
        this(room, seq, authorId, nick, color, text, media, ts, cid, except, false, false);
    }

    /** A text message, without media. */
    public Message(String room, long seq, String authorId, String nick, String color, String text, long ts,
                   String cid, String except) {
        this(room, seq, authorId, nick, color, text, null, ts, cid, except, false, false);
    }

    /** A text message to post, before the log gives it its {@code seq} and {@code ts}. */
    public static Message draft(String room, String authorId, String nick, String color, String text, String cid,
                                String except) {
        return draft(room, authorId, nick, color, text, null, cid, except);
    }

    /** A message to post, with {@code media} or not, before the log gives it its {@code seq} and {@code ts}. */
    public static Message draft(String room, String authorId, String nick, String color, String text, Media media,
                                String cid, String except) {
        return new Message(room, 0, authorId, nick, color, text, media, 0, cid, except, false, false);
    }

    /** A message a program posts through the HTTP API, as {@code nick}, before the log numbers it. */
    public static Message botDraft(String room, String authorId, String nick, String color, String text, Media media,
                                   String cid) {
        return new Message(room, 0, authorId, nick, color, text, media, 0, cid, null, true, false);
    }

    /** This draft as committed at {@code seq} and {@code ts}. */
    public Message committed(long seq, long ts) {
        return new Message(room, seq, authorId, nick, color, text, media, ts, cid, except, bot, false);
    }

    /** This message deleted: its place kept, its text and media gone. */
    public Message tombstone() {
        return new Message(room, seq, authorId, nick, color, "", null, ts, cid, null, bot, true);
    }

    @Override
    public String toString() { // never the text
        return "Message[room=" + room + ", seq=" + seq + ", authorId=" + authorId + ", ts=" + ts + "]";
    }
}
