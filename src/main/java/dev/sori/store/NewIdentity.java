package dev.sori.store;

import java.util.Objects;

/**
 * An identity to create.
 *
 * @param id    its public id, 1-64 chars
 * @param token the secret that resumes it; only its SHA-256 is stored
 * @param nick  its nickname, 1-64 chars
 * @param color its colour, 1-32 chars
 */
public record NewIdentity(String id, String token, String nick, String color) {
    public NewIdentity {
        Columns.requireText("id", id, Columns.MAX_ID_CHARS);
        Objects.requireNonNull(token, "token");
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token must not be empty");
        }
        Columns.requireText("nick", nick, Columns.MAX_NICK_CHARS);
        Columns.requireText("color", color, Columns.MAX_COLOR_CHARS);
    }

    @Override
    public String toString() {
        return "NewIdentity[id=" + id + "]"; // never the token
    }
}
