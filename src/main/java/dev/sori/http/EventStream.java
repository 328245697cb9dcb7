package dev.sori.http;

import dev.sori.chat.RoomEvent;
import dev.sori.chat.RoomWatcher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One server-sent event stream of a room: a {@link RoomWatcher} with a bounded queue, written to
 * its kept-open response by one thread at a time, as a member's {@code Outbox} is. The room queues
 * without waiting; past {@code maxEvents} or {@code maxBytes} queued (a client that stopped
 * reading, whose writes no longer complete) the stream drops its queue and is cut, so a stuck
 * reader costs the server a bounded amount of memory and the room nothing.
 *
 * <p>Until {@link #started} the stream is held by the thread that writes the backlog; events of
 * the room wait in the queue meanwhile (all after the backlog: see {@code ChatService.watch}), and
 * a message at or below the last seq written is never written twice.
 */
final class EventStream implements RoomWatcher {
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    private static final RoomEvent KEEP_ALIVE = new RoomEvent("", 0, "");
    private static final byte[] KEEP_ALIVE_LINE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    /** What the stream reports when it ends. */
    interface Ending {
        void ended(EventStream stream, String why);
    }

    private final String room;
    private final int maxEvents;
    private final long maxBytes;
    private final Executor writers;
    private final Ending ending;
    private final ConcurrentLinkedQueue<RoomEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingEvents = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    /** True while one thread writes; the backlog's writer holds it from the start. */
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile OutputStream out;
    private volatile String cutBecause; // set once: why the stream is to end
    private volatile long lastWriteNanos = System.nanoTime();
    private long lastSeq; // the writing thread's only

    EventStream(String room, int maxEvents, long maxBytes, Executor writers, Ending ending) {
        this.room = room;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.writers = writers;
        this.ending = ending;
    }

    String room() {
        return room;
    }

    @Override
    public void offer(RoomEvent event) {
        if (cutBecause != null) {
            return;
        }
        int events = pendingEvents.incrementAndGet();
        long bytes = pendingBytes.addAndGet(event.weight());
        if (events > maxEvents || bytes > maxBytes) {
            cut("slow consumer: " + events + " events, " + bytes + " bytes queued");
            return;
        }
        queue.add(event);
        schedule();
    }

    @Override
    public void end() {
        end("room removed");
    }

    /** Ends the stream: what is queued is dropped, the writer closes the response. */
    void end(String why) {
        cut(why);
    }

    /** Queues a comment line when nothing was written for {@code idleNanos}: proxies keep the stream. */
    void keepAliveIfIdle(long nowNanos, long idleNanos) {
        if (nowNanos - lastWriteNanos >= idleNanos && queue.isEmpty()) {
            queue.add(KEEP_ALIVE);
            schedule();
        }
    }

    /**
     * Writes the preamble and the backlog (oldest first) on the calling thread, which holds the
     * stream; false when the client is already gone (the stream is closed then).
     */
    boolean writeBacklog(OutputStream body, Iterable<RoomEvent> backlog) {
        out = body;
        try {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            part.writeBytes("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII));
            for (RoomEvent event : backlog) {
                append(part, event);
                if (part.size() >= 16 * 1024) {
                    write(part);
                }
            }
            write(part);
            return true;
        } catch (IOException e) {
            close("client gone");
            return false;
        }
    }

    /** The backlog is written: the live events queued meanwhile and from now on go out. */
    void started() {
        writing.set(false);
        schedule();
    }

    private void cut(String why) {
        if (cutBecause == null) {
            cutBecause = why;
            queue.clear();
            // Said now, not when the writer gets to close it: its write may be stuck on the reader.
            LOG.log(why.startsWith("slow") ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
                    "sse: stream of room {0} cut: {1}", room, why);
        }
        schedule();
    }

    private void schedule() {
        if ((queue.isEmpty() && cutBecause == null) || closed.get() || !writing.compareAndSet(false, true)) {
            return;
        }
        try {
            writers.execute(this::drain);
        } catch (RejectedExecutionException e) {
            writing.set(false); // the server is stopping
        }
    }

    private void drain() {
        try {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            RoomEvent event;
            while (cutBecause == null && (event = queue.poll()) != null) {
                if (event != KEEP_ALIVE) {
                    pendingEvents.decrementAndGet();
                    pendingBytes.addAndGet(-event.weight());
                }
                append(part, event);
                if (part.size() >= 16 * 1024 || queue.isEmpty()) {
                    write(part);
                }
            }
            write(part);
        } catch (IOException e) {
            close("client gone");
        }
        if (cutBecause != null) {
            close(cutBecause);
        }
        writing.set(false);
        if (!queue.isEmpty() && !closed.get()) {
            schedule();
        }
    }

    private void append(ByteArrayOutputStream part, RoomEvent event) {
        if (event == KEEP_ALIVE) {
            part.writeBytes(KEEP_ALIVE_LINE);
            return;
        }
        if (RoomEvent.MESSAGE.equals(event.type())) {
            if (event.seq() <= lastSeq) {
                return; // already written with the backlog
            }
            lastSeq = event.seq();
            part.writeBytes(("event: message\nid: " + event.seq() + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        } else {
            part.writeBytes(("event: " + event.type() + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
        }
        // JSON text written by JSON-B has no line breaks (they are escaped inside strings).
        part.writeBytes(event.json().getBytes(StandardCharsets.UTF_8));
        part.writeBytes(new byte[] {'\n', '\n'});
    }

    private void write(ByteArrayOutputStream part) throws IOException {
        if (part.size() == 0) {
            return;
        }
        OutputStream body = out;
        part.writeTo(body);
        body.flush();
        part.reset();
        lastWriteNanos = System.nanoTime();
    }

    /** Ends the response, once; on the writing thread. */
    private void close(String why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        queue.clear();
        ending.ended(this, why);
        OutputStream body = out;
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "sse: closing a stream of room {0} failed: {1}", room, e.toString());
            }
        }
    }
}
