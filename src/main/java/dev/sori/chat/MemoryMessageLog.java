package dev.sori.chat;

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
    /** author id + cid → the message it named; guarded by itself. */
    private final Map<String, Message> cids = new java.util.LinkedHashMap<>();
    private volatile Consumer<List<Message>> delivery = run -> { };

    /** How long an author's {@code cid} is remembered. */
    static final long CID_MEMORY_MILLIS = 24 * 60 * 60 * 1000L;

    public MemoryMessageLog(int capacity, LongSupplier clock) {
        this.capacity = capacity;
        this.clock = clock;
    }

    @Override
    public void onStored(Consumer<List<Message>> delivery) {
        this.delivery = delivery;
    }

    @Override
    public CompletionStage<Appended> append(Message draft) {
        RoomLog log = rooms.computeIfAbsent(draft.room(), r -> new RoomLog());
        Message message;
        synchronized (log) { // seq, storage and delivery in one step keep delivery in seq order
            String key = draft.cid() == null || draft.authorId() == null ? null : draft.authorId() + '\n' + draft.cid();
            long now = clock.getAsLong();
            if (key != null) {
                synchronized (cids) {
                    // In the order they were stored: forget from the front until one is recent.
                    for (var it = cids.values().iterator(); it.hasNext() && it.next().ts() <= now - CID_MEMORY_MILLIS; ) {
                        it.remove();
                    }
                    Message earlier = cids.get(key);
                    if (earlier != null) {
                        return CompletableFuture.completedFuture(new Appended(earlier, true));
                    }
                }
            }
            message = draft.committed(log.lastSeq + 1, now);
            log.lastSeq = message.seq();
            log.messages.addLast(message);
            if (log.messages.size() > capacity) {
                log.messages.removeFirst();
            }
            if (key != null) {
                synchronized (cids) {
                    cids.put(key, message);
                }
            }
            delivery.accept(List.of(message));
        }
        return CompletableFuture.completedFuture(new Appended(message, false));
    }

    @Override
    public CompletionStage<List<Message>> range(String room, long after, long upTo) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (log) {
            return CompletableFuture.completedFuture(between(log, after, upTo));
        }
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
            return CompletableFuture.completedFuture(new Recovery(complete ? between(log, since, upTo) : List.of(),
                    complete));
        }
    }

    @Override
    public CompletionStage<List<Message>> before(String room, long before, int limit) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        synchronized (log) {
            return CompletableFuture.completedFuture(latest(log, before - 1, limit));
        }
    }

    /** The kept messages with {@code after < seq <= upTo}, oldest first. */
    private static List<Message> between(RoomLog log, long after, long upTo) {
        List<Message> result = new ArrayList<>();
        for (Message m : log.messages) {
            if (m.seq() > after && m.seq() <= upTo) {
                result.add(m);
            }
        }
        return List.copyOf(result);
    }

    /** The last {@code limit} messages with {@code seq <= upTo}, oldest first. */
    private static List<Message> latest(RoomLog log, long upTo, int limit) {
        ArrayDeque<Message> result = new ArrayDeque<>();
        Iterator<Message> newestFirst = log.messages.descendingIterator();
        while (newestFirst.hasNext() && result.size() < limit) {
            Message m = newestFirst.next();
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
    public CompletionStage<Message> find(String room, long seq) {
        RoomLog log = rooms.get(room);
        if (log == null) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (log) {
            for (Message m : log.messages) {
                if (m.seq() == seq) {
                    return CompletableFuture.completedFuture(m);
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> delete(String room, long seq) {
        RoomLog log = rooms.get(room);
        if (log != null) {
            synchronized (log) {
                java.util.List<Message> kept = new java.util.ArrayList<>(log.messages);
                log.messages.clear();
                for (Message m : kept) {
                    log.messages.addLast(m.seq() == seq ? m.tombstone() : m);
                }
            }
        }
        return CompletableFuture.completedFuture(null);
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
        final ArrayDeque<Message> messages = new ArrayDeque<>();
        long lastSeq;
    }
}
