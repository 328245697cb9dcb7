package dev.sori.chat;

/**
 * An event of a room as a {@link RoomWatcher} gets it: the event's type as the WebSocket names it
 * ({@code message}, {@code system}, {@code message_deleted}), the message's {@code seq} (0 for an
 * event that is not a stored message) and the payload's JSON, the same text a member's
 * {@code payload} carries.
 */
public record RoomEvent(String type, long seq, String json) {
    public static final String MESSAGE = "message";
    public static final String SYSTEM = "system";
    /** A stored message became a tombstone: a watcher that showed it takes it away. */
    public static final String MESSAGE_DELETED = "message_deleted";

    /** A stored message as its {@code message} event: the WebSocket's payload, the same JSON. */
    public static RoomEvent of(Message message) {
        return new RoomEvent(MESSAGE, message.seq(), dev.sori.protocol.Json.write(Frames.wire(message)));
    }

    /** The UTF-8 size of the payload, near enough for a bounded queue (never less than one byte a char). */
    public int weight() {
        return json.length();
    }
}
