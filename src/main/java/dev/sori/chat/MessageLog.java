package dev.sori.chat;

import dev.sori.protocol.ChatMessage;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where rooms' messages are kept and where their {@code seq} comes from: memory for tests and
 * small setups, a database for durability. Every implementation runs {@code MessageLogContract}.
 *
 * <p>Nothing here blocks the caller: an implementation that does I/O does it on threads of its
 * own and completes the returned stages there.
 */
public interface MessageLog extends AutoCloseable {

    /**
     * Sets where stored messages go, before the first {@link #append}. The delivery gets runs of
     * messages (never empty; possibly of several rooms) and is never called concurrently; for one
     * room, the messages arrive strictly in {@code seq} order across all runs, so calling the
     * room's fan-out from it keeps every member in {@code seq} order. A run holds more than one
     * message when several were stored while the delivery was busy: a room can then send them to
     * each member in one write. It must not block: other rooms' messages may wait behind it.
     */
    void onStored(Consumer<List<ChatMessage>> delivery);

    /**
     * Stores a message, stamps its {@code ts} and gives it its room's next {@code seq} (1, 2, 3…
     * with no gap and no duplicate, even with several servers on one database). Once the message
     * is durable it goes to the delivery; the returned stage completes after that. When the
     * message cannot be stored the stage fails with {@link UnavailableException} and nothing is
     * delivered: nothing is announced that was not stored.
     */
    CompletionStage<ChatMessage> append(Draft draft);

    /**
     * Exactly the messages of {@code room} with {@code since < seq <= upTo}, oldest first, marked
     * {@code recovered}; or an empty list marked not recovered when some of them are no longer
     * kept, when there are more than {@code max}, or when {@code since > upTo} (a client that
     * saw a seq this log never gave).
     */
    CompletionStage<Recovery> recover(String room, long since, long upTo, int max);

    /** Up to {@code limit} messages of {@code room} with {@code seq < before}, oldest first. */
    CompletionStage<List<ChatMessage>> before(String room, long before, int limit);

    /** The highest {@code seq} stored for {@code room}, 0 when it has none. */
    long lastSeq(String room);

    /** Forgets a room's messages (the room was deleted). */
    CompletionStage<Void> deleteRoom(String room);

    @Override
    void close();

    /** A message before it has a {@code seq} and a {@code ts}. */
    record Draft(String room, String authorId, String nick, String color, String text) {
    }

    /** The answer to {@link #recover}. */
    record Recovery(List<ChatMessage> messages, boolean recovered) {
    }
}
