package dev.sori.store;

import java.util.Objects;

/**
 * A message to append: who said what where, as the room saw the author at send time. The store
 * gives it its {@code seq} and {@code ts}.
 *
 * @param room     the room id
 * @param authorId the author's identity id, or null for a message without an identity
 * @param nick     the author's nickname at send time
 * @param color    the author's colour at send time
 * @param text     the text, 1 to {@link #MAX_TEXT_CHARS} chars, without NUL (PostgreSQL refuses it)
 */
public record NewMessage(String room, String authorId, String nick, String color, String text) {
    /** Room and identity ids. */
    public static final int MAX_ID_CHARS = 64;
    public static final int MAX_NICK_CHARS = 64;
    public static final int MAX_COLOR_CHARS = 32;
    /** The column's size; the protocol's own limit (2000 by default) is far below it. */
    public static final int MAX_TEXT_CHARS = 16_384;

    public NewMessage {
        requireText("room", room, MAX_ID_CHARS);
        if (authorId != null) {
            requireText("authorId", authorId, MAX_ID_CHARS);
        }
        requireText("nick", nick, MAX_NICK_CHARS);
        requireText("color", color, MAX_COLOR_CHARS);
        requireText("text", text, MAX_TEXT_CHARS);
    }

    /** The stored form of this message. */
    StoredMessage stored(long seq, long ts) {
        return new StoredMessage(room, seq, authorId, nick, color, text, ts);
    }

    // Checked here rather than left to the database so that one bad message cannot fail the
    // whole batch it would be committed with.
    static void requireText(String what, String value, int maxChars) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.length() > maxChars) {
            throw new IllegalArgumentException(what + " must be 1-" + maxChars + " chars");
        }
        if (value.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(what + " must not contain NUL");
        }
    }

    @Override
    public String toString() {
        return "NewMessage[room=" + room + ", authorId=" + authorId + ", chars=" + text.length() + "]";
    }
}
