package dev.sori.store;

import dev.sori.chat.Appended;
import dev.sori.chat.Message;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable history of every room.
 *
 * <h2>Sequence</h2>
 * Each room numbers its messages 1, 2, 3, ... The number ({@code seq}) is allocated in the same
 * database transaction that stores the message, from a counter on the room's row, under a unique
 * key on (room, seq). So every node sharing one database hands out each seq exactly once, and a
 * seq is visible only once its message is: a failed or rolled-back append leaves no gap.
 * Retention ({@link #prune}) may remove the oldest messages; it never renumbers.
 *
 * <h2>Appending</h2>
 * {@link #append} never blocks and never touches the database on the caller's thread: the
 * message is queued for this node's single writer thread, which commits whatever is queued
 * (up to the batch size) in one transaction (group commit). Its future completes only after that
 * commit, so an acknowledged message survives a crash. Completions and {@link CommitListener}
 * calls happen on one delivery thread, in commit order, each room's messages in seq order
 * (refusals, when the queue is full or the store closed, fail at once on the caller's thread).
 *
 * <h2>Reading and recovery</h2>
 * The read methods are synchronous JDBC calls: run them on a thread that may block, never on a
 * thread that delivers messages. A client that saw up to {@code seq = s} gets exactly what it
 * missed from {@link #since}: the messages s+1 .. lastSeq, or, if some of them are gone (pruned)
 * or too many, {@code recovered = false} and the latest page. Whatever {@link #since} returns as
 * {@code lastSeq}, every message up to it was committed when it was read, so a client that then
 * follows the live stream from lastSeq+1 misses nothing.
 */
public interface MessageStore {

    /**
     * Queues {@code message} for the writer and returns at once.
     *
     * <p>The future completes, on the delivery thread, with the stored message after its
     * transaction committed; for one room these completions happen in seq order. A draft with a
     * {@code cid} that its author already stored in the last 24 hours is not stored again: the
     * future completes with that earlier message, marked {@code duplicate}, and no listener hears
     * of it. The draft's text, nick, colour and ids must fit their columns ({@link Columns};
     * {@link IllegalArgumentException} at once otherwise). It fails with:
     * <ul>
     *   <li>{@link StoreUnavailableException} when the queue is full or the store is closed (at
     *       once), or when the database failed (nothing of the batch was stored). One case is in
     *       doubt: if the connection broke while the commit itself was under way, the writer checks
     *       whether it landed; when even that check fails, the failure says the outcome is unknown
     *       and the message may turn up in history later.</li>
     *   <li>{@link NoSuchRoomException} when the room does not exist.</li>
     * </ul>
     * The futures are not cancellable in any useful way: cancelling one does not withdraw the
     * message.
     */
    CompletableFuture<Appended> append(Message draft);

    /** Adds a listener for this node's commits (see {@link CommitListener}). */
    void addCommitListener(CommitListener listener);

    /**
     * Adds a listener for this node's transactions of messages: called on the writer thread after
     * each commit that stored some, with how many and how long the transaction took (from taking a
     * connection to the commit's answer). For metrics: it must be cheap and must not block.
     */
    void addTransactionListener(TransactionListener listener);

    /** Hears each committed transaction of messages (see {@link #addTransactionListener}). */
    @FunctionalInterface
    interface TransactionListener {
        void committed(int messages, long nanos);
    }

    /** The latest {@code limit} messages of the room, newest last; empty for an unknown room. */
    List<Message> latest(String room, int limit);

    /**
     * Up to {@code limit} messages with a seq below {@code beforeSeq}, the closest ones, newest
     * last; empty for an unknown room. For paging backwards: pass the oldest seq you have.
     */
    List<Message> before(String room, long beforeSeq, int limit);

    /**
     * The stored messages of the room with {@code afterSeq < seq <= toSeq}, in seq order: all of
     * them, unless retention removed some. For filling a gap in a live stream.
     */
    List<Message> range(String room, long afterSeq, long toSeq);

    /**
     * What a client that saw up to {@code sinceSeq} missed.
     *
     * @param sinceSeq     the last seq the client saw, 0 if none
     * @param maxRecovered the most messages to replay; a larger gap is not recovered
     * @param pageSize     how many latest messages to return when not recovered
     * @return every message after {@code sinceSeq} with {@code recovered = true}, or the latest
     *         {@code pageSize} messages with {@code recovered = false} when some are no longer
     *         kept, there are more than {@code maxRecovered}, or {@code sinceSeq} is beyond the
     *         room's last seq (the client's view is of something else, e.g. an older room of the
     *         same id)
     * @throws NoSuchRoomException when the room does not exist
     */
    Recovery since(String room, long sinceSeq, int maxRecovered, int pageSize);

    /**
     * The room's last seq, 0 before its first message.
     *
     * @throws NoSuchRoomException when the room does not exist
     */
    long lastSeq(String room);

    /** Message {@code seq} of {@code room} (possibly a tombstone), or null. */
    Message find(String room, long seq);

    /**
     * Makes message {@code seq} a tombstone (no text, no image, deleted) and forgets which image
     * it carried; idempotent. Returns whether a message changed.
     */
    boolean delete(String room, long seq);

    /**
     * Retention: deletes all but the newest {@code keep} messages of the room.
     *
     * @return how many were deleted
     * @throws NoSuchRoomException when the room does not exist
     */
    int prune(String room, int keep);
}
