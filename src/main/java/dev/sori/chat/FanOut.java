package dev.sori.chat;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends what a broadcast queued: the outboxes it filled, on every core when there are many.
 *
 * <p>A broadcast queues its frame to each member's {@link Outbox} under the room's lock, which
 * fixes every member's order; sending (one socket write per member) comes after, outside the lock,
 * and is most of a broadcast's cost: about 2,000 writes for a message to 2,000 members. Done by one
 * thread, the last member waits for the 1,999 writes before theirs, and the next message waits for
 * the whole of this one. Here the caller sends one part and hands the others to worker threads
 * (one per further core), so a big room's message reaches everyone in about 1/cores of the time.
 *
 * <p>Order is safe without waiting for the parts: an outbox sends its frames in queue order
 * whichever thread flushes it, and only one thread drains it at a time ({@link Outbox#flush}).
 * Small broadcasts stay on the caller's thread, where a hand-off would cost more than it saves.
 */
final class FanOut implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());
    /** Outboxes per part: below twice this, one thread sends them all. */
    static final int PART = 256;
    /** Outboxes read ahead of their flushes, together. */
    static final int AHEAD = 64;

    private final ThreadPoolExecutor workers;
    private final int parts;

    /** {@code threads} workers besides the caller; 0 sends everything on the caller's thread. */
    FanOut(int threads) {
        this.parts = threads + 1;
        if (threads == 0) {
            this.workers = null;
            return;
        }
        AtomicInteger count = new AtomicInteger();
        // The queue holds "flush these outboxes" tasks only (the frames are already in the
        // outboxes, which bound themselves), so it needs no bound of its own.
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "sori-fanout-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * One worker per core beyond the first, or {@code -Dsori.fanout-threads=N} workers (0: the
     * delivering thread sends everything), e.g. on a machine whose other cores are busy with
     * something else.
     */
    static FanOut perCore() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new FanOut(Math.max(0, Integer.getInteger("sori.fanout-threads", cores - 1)));
    }

    /** Sends what is queued in {@code outboxes}; returns once the caller's own part is sent. */
    void flush(List<Outbox> outboxes) {
        int n = outboxes.size();
        int count = workers == null ? 1 : Math.min(parts, n / PART);
        if (count <= 1) {
            flushAll(outboxes);
            return;
        }
        int size = (n + count - 1) / count;
        for (int from = size; from < n; from += size) {
            List<Outbox> part = outboxes.subList(from, Math.min(n, from + size));
            try {
                workers.execute(() -> flushAll(part));
            } catch (RejectedExecutionException e) {
                flushAll(part); // shutting down: send it here
            }
        }
        flushAll(outboxes.subList(0, size));
    }

    /**
     * Flushes in batches of {@value #AHEAD}: first every outbox of the batch is asked to
     * {@link Outbox#prefetch}, then each is flushed. Between two deliveries to a member the
     * kernel's write and the other members' deliveries have been through the caches, so each of
     * the dozen objects a delivery reaches (the outbox, the connection's, the socket's) is a
     * miss; one after the other, between system calls, they were most of a delivery's user-space
     * time. Read ahead for a batch, they overlap, and the flushes find them in the caches
     * (docs/benchmarks.md, steps 21 and 22). A batch is small enough that what it read is still there.
     */
    private static void flushAll(List<Outbox> outboxes) {
        int n = outboxes.size();
        for (int from = 0; from < n; from += AHEAD) {
            int to = Math.min(n, from + AHEAD);
            for (int i = from; i < to; i++) {
                outboxes.get(i).prefetch();
            }
            for (int i = from; i < to; i++) {
                try {
                    outboxes.get(i).flush();
                } catch (RuntimeException e) {
                    // One member's failure must not keep the frame from the rest (the connection
                    // closes itself on a failed send; this is only a safety net).
                    LOG.log(Level.WARNING, "flush failed: {0}", e.getClass().getName());
                }
            }
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdown();
        }
    }
}
