package dev.sori.chat;

import dev.sori.protocol.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A {@link MessageLog} in memory: the last {@code capacity} messages of each room, gone with
 * the process. Everything completes on the caller's thread.
 */
public final class MemoryMessageLog implements MessageLog {
    private final int capacity;
    private final LongSupplier clock;
    private final Map<String, RoomLog> rooms = new ConcurrentHashMap<>();
    private volatile Consumer<List<ChatMessage>> delivery = run -> { };

    public MemoryMessageLog(int capacity, LongSupplier clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public void onStored(Consumer<List<ChatMessage>> delivery) {
        this.delivery = delivery;
    }

    @Override
    public CompletionStage<ChatMessage> append(Draft draft) {
        RoomLog log = rooms.computeIfAbsent(draft.room(), r -> new RoomLog());
        ChatMessage message;
        synchronized (log) { // seq, storage and delivery in one step keep delivery in seq order
            message = new ChatMessage(draft.room(), log.lastSeq + 1, draft.nick(), draft.color(), draft.text(),
                    clock.getAsLong());
            log.lastSeq = message.seq();
            log.messages.addLast(message);
            if (log.messages.size() > capacity) {
                log.messages.removeFirst();
            }
            delivery.accept(List.of(message));
        }
        return CompletableFuture.completedFuture(message);
    }

    @Override
    public CompletionStage<Recovery> recover(String room, long since, long upTo, int max) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(new Recovery(List.of(), since == 0 && upTo == 0));
        }
        synchronized (log) {
            long oldestKept = log.messages.isEmpty() ? log.lastSeq + 1 : log.messages.peekFirst().seq();
            boolean complete = since + 1 >= oldestKept && upTo - since <= max && since <= upTo;
            List<ChatMessage> result = new ArrayList<>();
            if (complete) {
                for (ChatMessage m : log.messages) {
                    if (m.seq() > since && m.seq() <= upTo) {
                        result.add(m);
                    }
                }
            }
            return CompletableFuture.completedFuture(new Recovery(List.copyOf(result), complete));
        }
    }

    @Override
    public CompletionStage<List<ChatMessage>> before(String room, long before, int limit) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (log) {
            return CompletableFuture.completedFuture(latest(log, before - 1, limit));
        }
    }

    /** The last {@code limit} messages with {@code seq <= upTo}, oldest first. */
    private static List<ChatMessage> latest(RoomLog log, long upTo, int limit) {
        ArrayDeque<ChatMessage> result = new ArrayDeque<>();
        Iterator<ChatMessage> newestFirst = log.messages.descendingIterator();
        while (newestFirst.hasNext() && result.size() < limit) {
            ChatMessage m = newestFirst.next();
            if (m.seq() <= upTo) {
                result.addFirst(m);
            }
        }
        return List.copyOf(result);
    }

    @Override
    public long lastSeq(String room) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.lastSeq;
        }
    }

    @Override
    public CompletionStage<Void> deleteRoom(String room) {
        rooms.remove(room);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        // nothing to release
    }

    private static final class RoomLog {
        final ArrayDeque<ChatMessage> messages = new ArrayDeque<>();
        long lastSeq;
    }
}
