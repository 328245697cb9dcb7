package dev.sori.chat;

/**
 * Who acts in the chat: a connection ({@link Client}) now, an API caller or a moderator's tool
 * later. The {@link ChatService} takes one with every use case, and never asks which kind it is.
 */
public interface Actor {

    /** The identity acting: its id, uid, nickname and colour. */
    Identity identity();

    /** The key per-address limits count this actor by ({@link AddressKey}), or null when none apply. */
    default String address() {
        return null;
    }

    /** Whether this actor may moderate every room, {@code general} included (the server's API key). */
    default boolean moderatesEveryRoom() {
        return false;
    }

    /** The connection ({@code sid}) acting, or null when it is not a connection. */
    default String connectionId() {
        return null;
    }
}
