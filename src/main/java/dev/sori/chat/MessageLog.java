package dev.sori.chat;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Where rooms' messages are kept and where their {@code seq} comes from: memory for tests and
 * small setups, a database for durability.
 *
 * <p>Nothing here blocks the caller: an implementation that does I/O does it on threads of its
 * own and completes the returned stages there. Failures are storage failures only
 * ({@link UnavailableException}, {@link RoomNotFoundException}); what a client is told is the
 * protocol layer's choice.
 */
public interface MessageLog extends AutoCloseable {

    /**
     * Sets where committed messages go, before the first {@link #append}: the chat publishes them
     * on its {@link RoomBus}. The consumer gets runs of messages (never empty; possibly of several
     * rooms) and is never called concurrently; for one room, the messages arrive strictly in
     * {@code seq} order across all runs. A run holds more than one message when several were
     * committed while the consumer was busy. It must not block: other rooms' messages wait behind it.
     */
    void onStored(Consumer<List<Message>> committed);

    /**
     * Tells {@code events} of the log's own work: each transaction that stored messages
     * ({@link ChatEvents#committed}: how many, how long). A log that commits nothing (memory)
     * says nothing.
     */
    default void observe(ChatEvents events) {
    }

    /**
     * Stores a {@linkplain Message#draft draft}, stamps its {@code ts} and gives it its room's next
     * {@code seq} (1, 2, 3… with no gap and no duplicate). Once the message is durable it goes to
     * the {@link #onStored} consumer; the returned stage completes after that. A draft whose
     * {@code cid} its author already stored in the last 24 hours is not stored: the stage completes
     * with the earlier message as a {@linkplain Appended#duplicate duplicate}, and nothing is
     * delivered. When the message cannot be stored the stage fails with {@link UnavailableException}
     * (or {@link RoomNotFoundException}) and nothing is delivered: nothing is announced that was
     * not stored.
     */
    CompletionStage<Appended> append(Message draft);

    /**
     * Exactly the messages of {@code room} with {@code since < seq <= upTo}, oldest first, marked
     * {@code recovered}; or an empty list marked not recovered when some of them are no longer
     * kept, when there are more than {@code max}, or when {@code since > upTo} (a client that
     * saw a seq this log never gave).
     */
    CompletionStage<Recovery> recover(String room, long since, long upTo, int max);

    /**
     * The kept messages of {@code room} with {@code after < seq <= upTo}, oldest first: all of
     * them unless some are no longer kept. For filling a gap in a room's live stream.
     */
    CompletionStage<List<Message>> range(String room, long after, long upTo);

    /** Up to {@code limit} messages of {@code room} with {@code seq < before}, oldest first. */
    CompletionStage<List<Message>> before(String room, long before, int limit);

    /** Message {@code seq} of {@code room} as kept (possibly a tombstone), or null when there is none. */
    CompletionStage<Message> find(String room, long seq);

    /**
     * Makes message {@code seq} of {@code room} a tombstone: no text, no media, {@code deleted}.
     * It keeps its place, so history and recovery still count every seq. Idempotent; completes
     * once the change is durable.
     */
    CompletionStage<Void> delete(String room, long seq);

    /** The highest {@code seq} stored for {@code room}, 0 when it has none. */
    long lastSeq(String room);

    /** Forgets a room's messages (the room was deleted). */
    CompletionStage<Void> deleteRoom(String room);

    @Override
    void close();

    /** The answer to {@link #recover}. */
    record Recovery(List<Message> messages, boolean recovered) {
    }
}
