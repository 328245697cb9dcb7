package dev.sori.store;

import java.util.Objects;

/**
 * A room to create.
 *
 * @param id           the room id, 1-64 chars, chosen by the caller (unique; a taken id is a
 *                     {@link StoreConflictException})
 * @param title        1-64 chars
 * @param max          the capacity, at least 2, or null for no limit
 * @param passwordHash a {@code dev.sori.chat.Passwords#hash} result, or null for an open room; never the password
 * @param ownerId      the owner's identity id (which must exist), or null
 */
public record NewRoom(String id, String title, Integer max, String passwordHash, String ownerId) {
    public static final int MAX_TITLE_CHARS = 64;

    public NewRoom {
        Columns.requireText("id", id, Columns.MAX_ID_CHARS);
        Objects.requireNonNull(title, "title");
        if (title.isEmpty() || title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
            throw new IllegalArgumentException("title must be 1-" + MAX_TITLE_CHARS + " characters");
        }
        if (title.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("title must not contain NUL");
        }
        if (max != null && max < 2) {
            throw new IllegalArgumentException("max must be at least 2");
        }
        if (passwordHash != null) {
            Columns.requireText("passwordHash", passwordHash, 255);
        }
        if (ownerId != null) {
            Columns.requireText("ownerId", ownerId, Columns.MAX_ID_CHARS);
        }
    }

    @Override
    public String toString() {
        return "NewRoom[id=" + id + ", max=" + max + ", locked=" + (passwordHash != null) + ", ownerId=" + ownerId + "]";
    }
}
