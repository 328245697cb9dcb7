package dev.sori.chat;

import dev.sori.protocol.ErrorCode;
import java.util.List;

/**
 * What happens in the chat, for whoever records or counts it: the log lines are one listener
 * ({@link LoggedChatEvents}), the metrics another ({@code dev.sori.metrics.ChatMetrics}); several
 * are one with {@link #all}. The chat calls them as things happen, never by parsing its own logs.
 *
 * <p>Threading: called on the thread where the event happens (a container worker, the store's
 * delivery thread, housekeeping), never under a room's lock, possibly concurrently. A listener
 * must be cheap, must not block and must not throw. Every method has a do-nothing default, so a
 * listener implements what it cares about and new events break nobody.
 *
 * <p>What a listener records is ids, codes and numbers: never a message's text, a nickname or a
 * token, although {@link #posted} hands it the message itself (to count it by room, say).
 */
public interface ChatEvents {

    /** A connection got its {@code welcome}; {@code connections} open now, on this node. */
    default void connected(String sid, String identityId, boolean resumed, int connections) {
    }

    /** A connection was refused before {@code welcome}: its address has {@code open} connections. */
    default void refusedOverCap(String address, int open) {
    }

    /** A connection is gone, with this close code; {@code connections} still open. */
    default void disconnected(String sid, int closeCode, int connections) {
    }

    /** A connection sent more than {@code max} frames before its {@code welcome}: closed with 1008. */
    default void floodedBeforeWelcome(String sid, int max) {
    }

    /** A connection went over the request rate: its frames are refused from now (said once per connection). */
    default void rateLimited(String sid, int perSecond, int burst) {
    }

    /** A connection went far past the rate limit: closed with 1008. */
    default void flooded(String sid, int factor) {
    }

    /**
     * A frame was refused with {@code code} (bad input, rules, the rate limit, storage away); the
     * connection lives on. {@code type} is the request's type as sent (shortened), null for a
     * frame that was no request.
     */
    default void refused(String sid, String type, ErrorCode code) {
    }

    /** A request met a bug: answered {@code internal}, the connection closed with 1011. */
    default void failed(String sid, String type, Throwable redacted) {
    }

    /** A message was stored and delivered to its room, {@code nanos} after it was posted. */
    default void posted(Message message, long nanos) {
    }

    /**
     * A room on this node sent a run of {@code messages} committed messages to its members here:
     * {@code frames} queued to their outboxes, the fan-out (encoding, queuing, and the sends of
     * the delivering thread's part) took {@code nanos}. Called on the delivering thread after the
     * room's lock, but inside its {@link Sequencer}'s turn: the room's next run waits for it, so
     * this one above all must cost next to nothing.
     */
    default void delivered(int messages, int frames, long nanos) {
    }

    /** A database transaction stored {@code messages} messages and took {@code nanos} (batch size, commit latency). */
    default void committed(int messages, long nanos) {
    }

    /** A resent {@code cid} was answered with the original message. */
    default void duplicatePost(Message original) {
    }

    /** A client's outbox overflowed: closed with 1013. */
    default void slowConsumer(String sid, int pendingFrames, long pendingBytes) {
    }

    /** A send to a client stayed unfinished too long: closed with 1013. */
    default void sendTimedOut(String sid, long stalledMillis, int pendingFrames, long pendingBytes) {
    }

    /** A connection stopped answering pings: closed with 1001. */
    default void pingTimedOut(String sid) {
    }

    /** A moderator ({@code byIdentityId}) did {@code action} ({@code kick}, {@code ban}, {@code unban}, {@code delete_message}) in {@code room}. */
    default void moderated(String room, String action, String byIdentityId) {
    }

    default void roomCreated(String room, String ownerId, boolean locked) {
    }

    default void roomDeleted(String room, String byIdentityId) {
    }

    /** The hub closed, with {@code connections} still open (each closed with 1001). */
    default void closed(int connections) {
    }

    /** Every listener of {@code listeners}, in order, as one. */
    static ChatEvents all(List<ChatEvents> listeners) {
        return listeners.size() == 1 ? listeners.get(0) : new ChatEventListeners(listeners);
    }
}
