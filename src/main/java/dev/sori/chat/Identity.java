package dev.sori.chat;

/**
 * Who a client is: a public id, the secret token that resumes it, a nickname and a colour
 * derived from the id. Several connections (tabs) may share one identity.
 */
public final class Identity {
    private final String id;
    private final String token;
    private final String color;
    private volatile String nick;

    Identity(String id, String token, String nick) {
        this.id = id;
        this.token = token;
        this.color = Colors.of(id);
        this.nick = nick;
    }

    public String id() {
        return id;
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

    void rename(String nick) {
        this.nick = nick;
    }

    @Override
    public String toString() {
        return "Identity[" + id + "]"; // never the token
    }
}
