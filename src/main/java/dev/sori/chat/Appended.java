package dev.sori.chat;

/**
 * What became of a post: the committed message, or, when its author had already posted a
 * message with the same {@code cid} in the last 24 hours, that earlier message
 * ({@code duplicate}), which is neither stored nor delivered again.
 */
public record Appended(Message message, boolean duplicate) {
}
