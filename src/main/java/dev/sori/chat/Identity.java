package dev.sori.chat;

import java.util.concurrent.CompletionStage;

/**
 * Who a client is: a public id, the secret token that resumes it, a nickname and a colour
 * derived from the id. Several connections (tabs) may share one identity.
 */
public final class Identity {
    private final String id;
    private final String uid;
    private final String token;
    private final String color;
    private final CompletionStage<Void> saved;
    private volatile String nick;

    Identity(String id, String token, String nick, String color, CompletionStage<Void> saved) {
        this.id = id;
        this.uid = Uids.of(id);
        this.token = token;
        this.color = color;
        this.nick = nick;
        this.saved = saved;
    }

    public String id() {
        return id;
    }

    /** The public id clients know this identity by ({@link Uids}). */
    public String uid() {
        return uid;
    }

    /** The secret that resumes this identity; never log it. */
    public String token() {
        return token;
    }

    public String color() {
        return color;
    }

    public String nick() {
        return nick;
    }

    /** Completes once the identity is in the catalog (rooms it owns refer to it there). */
    CompletionStage<Void> saved() {
        return saved;
    }

    void rename(String nick) {
        this.nick = nick;
    }

    @Override
    public String toString() {
        return "Identity[" + id + "]"; // never the token
    }
}
