package dev.sori.chat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One client's queue of outgoing frames. Anyone may {@link #offer} a frame from any thread
 * without waiting; the frames go to the {@link Connection} in order, one send outstanding at a
 * time (a transport that writes frames as bytes gets everything queued at once, in one write).
 * What is queued or in flight is counted; past either cap the outbox overflows: it drops
 * everything, refuses further frames and reports the overflow once, so that one slow reader
 * never costs the others memory or time.
 */
public final class Outbox {

    /** Told once when the outbox gives up on its client: overflowed, or a send failed. */
    public interface Listener {
        void overflowed(int pendingFrames, long pendingBytes);

        void sendFailed(Throwable failure);
    }

    // Send phases, to run completions that arrive inside send() iteratively instead of recursively.
    private static final int IDLE = 0;
    private static final int IN_SEND = 1;
    private static final int SEND_RETURNED = 2;
    private static final int SEND_COMPLETED = 3;

    // The counters and flags are fields of the outbox itself rather than atomic objects of their
    // own: a broadcast touches thousands of outboxes once each, and every separate object is one
    // more cache miss per member (and more memory per connection).
    private static final VarHandle PHASE;
    private static final VarHandle PENDING_FRAMES;
    private static final VarHandle PENDING_BYTES;
    private static final VarHandle DRAINING;
    private static final VarHandle OVERFLOWED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PHASE = lookup.findVarHandle(Outbox.class, "phase", int.class);
            PENDING_FRAMES = lookup.findVarHandle(Outbox.class, "pendingFrames", int.class);
            PENDING_BYTES = lookup.findVarHandle(Outbox.class, "pendingBytes", long.class);
            DRAINING = lookup.findVarHandle(Outbox.class, "draining", boolean.class);
            OVERFLOWED = lookup.findVarHandle(Outbox.class, "overflowed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The most bytes one write sends when several frames are queued. */
    static final int MAX_WRITE_BYTES = 64 * 1024;
    private static final long NO_SEND = Long.MIN_VALUE;

    private final Connection connection;
    private final boolean writesFrames;
    private final int maxFrames;
    private final long maxBytes;
    private final Listener listener;

    private final ConcurrentLinkedQueue<EncodedFrame> queue = new ConcurrentLinkedQueue<>();
    private volatile int pendingFrames;
    private volatile long pendingBytes;
    /** True while one thread drains the queue; only that thread sends. */
    private volatile boolean draining;
    private volatile boolean overflowed;
    @SuppressWarnings("unused") // accessed through PHASE
    private volatile int phase = IDLE;
    /** System.nanoTime() when the send in flight started, NO_SEND when none is. */
    private volatile long sendStartedNanos = NO_SEND;

    public Outbox(Connection connection, int maxFrames, long maxBytes, Listener listener) {
        this.connection = connection;
        this.writesFrames = connection.writesFrames();
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
        this.listener = listener;
    }

    /**
     * Queues a frame without sending it. Returns true when the caller should call {@link #flush}
     * (after releasing any lock it holds), false when a flush is already under way or the
     * outbox has overflowed. Queuing under a room's lock and flushing after it keeps every
     * member's frames in the room's order while no network call runs under the lock.
     */
    public boolean offer(EncodedFrame frame) {
        if (overflowed) {
            return false;
        }
        int frames = (int) PENDING_FRAMES.getAndAdd(this, 1) + 1;
        long bytes = (long) PENDING_BYTES.getAndAdd(this, (long) frame.bytes()) + frame.bytes();
        if (frames > maxFrames || bytes > maxBytes) {
            overflow(frames, bytes);
            return false;
        }
        queue.add(frame);
        return !draining;
    }

    /** Queues a frame and sends it unless a flush is already under way. */
    public void send(EncodedFrame frame) {
        if (offer(frame)) {
            flush();
        }
    }

    /**
     * Reads what {@link #flush} will read (this outbox's state, its queue's head and, through
     * {@link Connection#prefetch}, the connection's) without changing anything. Cheap when it is
     * all in the caches already.
     */
    public void prefetch() {
        if (!draining && !queue.isEmpty()) {
            connection.prefetch();
        }
    }

    /** Sends queued frames until the queue is empty or a send is still in flight. */
    public void flush() {
        while (!queue.isEmpty() && !overflowed && DRAINING.compareAndSet(this, false, true)) {
            if (drain()) {
                return; // a send is in flight; its completion continues the drain
            }
            draining = false;
            // A frame offered between the last poll and the reset above is picked up by the loop.
        }
    }

    /** Returns true when it stopped with a send in flight, false when the queue ran empty. */
    private boolean drain() {
        EncodedFrame frame;
        while ((frame = queue.poll()) != null) {
            if (overflowed) {
                return false;
            }
            PHASE.setVolatile(this, IN_SEND);
            sendStartedNanos = System.nanoTime();
            if (writesFrames) {
                sendFrames(frame);
            } else {
                EncodedFrame sent = frame;
                connection.send(frame.text(), failure -> completed(1, sent.bytes(), failure));
            }
            if (PHASE.compareAndSet(this, IN_SEND, SEND_RETURNED)) {
                return true; // completes later, on another thread
            }
            // Completed inside send(): carry on here rather than recursing from the callback.
        }
        return false;
    }

    /**
     * Sends {@code first} and whatever else is queued behind it (up to {@value #MAX_WRITE_BYTES}
     * bytes) in one write: one system call instead of one per frame when a client's frames
     * bunch up. A lone frame is sent from the broadcast's shared bytes, without a copy.
     */
    private void sendFrames(EncodedFrame first) {
        EncodedFrame next = queue.peek();
        if (next == null || first.wire().length + next.wire().length > MAX_WRITE_BYTES) {
            connection.sendFrames(first.view(), failure -> completed(1, first.bytes(), failure));
            return;
        }
        List<EncodedFrame> batch = new ArrayList<>();
        batch.add(first);
        int size = first.wire().length;
        // Only this thread polls (one drain at a time), so what peek() saw is what poll() takes,
        // unless an overflow cleared the queue meanwhile (then poll() finds nothing).
        while (next != null && size + next.wire().length <= MAX_WRITE_BYTES) {
            EncodedFrame taken = queue.poll();
            if (taken == null) {
                break;
            }
            batch.add(taken);
            size += taken.wire().length;
            next = queue.peek();
        }
        byte[] joined = new byte[size];
        int at = 0;
        long payloadBytes = 0;
        for (EncodedFrame frame : batch) {
            System.arraycopy(frame.wire(), 0, joined, at, frame.wire().length);
            at += frame.wire().length;
            payloadBytes += frame.bytes();
        }
        int frames = batch.size();
        long bytes = payloadBytes;
        connection.sendFrames(ByteBuffer.wrap(joined), failure -> completed(frames, bytes, failure));
    }

    private void completed(int frames, long bytes, Throwable failure) {
        sendStartedNanos = NO_SEND;
        PENDING_FRAMES.getAndAdd(this, -frames);
        PENDING_BYTES.getAndAdd(this, -bytes);
        if (failure != null && OVERFLOWED.compareAndSet(this, false, true)) {
            // The connection is broken: stop sending to it; the container reports the close.
            queue.clear();
            listener.sendFailed(failure);
        }
        if (PHASE.compareAndSet(this, IN_SEND, SEND_COMPLETED)) {
            return; // drain() is still on the stack and continues
        }
        // drain() returned while this send was in flight: resume draining on this thread.
        if (!drain()) {
            draining = false;
            flush();
        }
    }

    /**
     * How long the send now in flight has been waiting for its completion, in nanoseconds, or 0
     * when none is. A send that never completes means the peer stopped reading and the kernel's
     * buffers towards it are full: the hub closes such a connection (--send-timeout).
     */
    public long sendStalledNanos(long nowNanos) {
        long started = sendStartedNanos;
        return started == NO_SEND ? 0 : Math.max(0, nowNanos - started);
    }

    /** Gives up on this client as if its queue had overflowed (something queued for it elsewhere did). */
    public void abandon() {
        overflow(pendingFrames, pendingBytes);
    }

    /**
     * Gives up on this client without telling the listener (the caller closes the connection
     * itself): drops the queue and refuses further frames. Returns false when it had already
     * given up.
     */
    public boolean giveUp() {
        if (OVERFLOWED.compareAndSet(this, false, true)) {
            queue.clear();
            return true;
        }
        return false;
    }

    private void overflow(int frames, long bytes) {
        if (OVERFLOWED.compareAndSet(this, false, true)) {
            queue.clear();
            listener.overflowed(frames, bytes);
        }
    }

    public int pendingFrames() {
        return pendingFrames;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    public boolean isOverflowed() {
        return overflowed;
    }
}
