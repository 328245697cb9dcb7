package dev.sori.chat;

/**
 * Something outside the room that hears what its members hear, without being one of them: the
 * server-sent event stream of a room ({@code GET /api/rooms/{room}/events}). It is read-only, like
 * a reader who never posts: presence does not count it, nobody sees it join or leave, and a full
 * room still takes it.
 *
 * <p>Contract: {@link #offer} and {@link #end} are called under the room's lock, in the order
 * every member gets the same events, and must neither block nor call back into the room. A
 * watcher that cannot keep up drops what it holds and stops on its own (as a member's
 * {@link Outbox} does); the room never waits for it.
 */
public interface RoomWatcher {

    /** One event of the room, already encoded once for every watcher. */
    void offer(RoomEvent event);

    /** The room is gone (deleted or expired): nothing more comes. */
    void end();
}
