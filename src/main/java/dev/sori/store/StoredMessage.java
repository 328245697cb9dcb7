package dev.sori.store;

/**
 * A committed message.
 *
 * @param room     the room id
 * @param seq      its position in the room: 1, 2, 3, ... with no gap and no duplicate, across
 *                 every node sharing the database
 * @param authorId the author's identity id, or null
 * @param nick     the author's nickname at send time
 * @param color    the author's colour at send time
 * @param text     the text
 * @param ts       epoch milliseconds, stamped by the node that committed it (not guaranteed to
 *                 grow with {@code seq} across nodes whose clocks differ)
 */
public record StoredMessage(String room, long seq, String authorId, String nick, String color, String text,
        long ts) {

    @Override
    public String toString() {
        return "StoredMessage[room=" + room + ", seq=" + seq + ", authorId=" + authorId + ", ts=" + ts + "]";
    }
}
