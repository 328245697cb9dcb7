package dev.sori.chat;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Stands in front of one room's delivery and lets each {@code seq} through once, in order,
 * whatever the {@link RoomBus} did to it: a message already delivered is dropped, one that comes
 * early is held, and when the gap before it has not closed by itself after {@link #HOLD_MILLIS}
 * the missing messages are read from the {@link MessageLog} (a room's commits are in {@code seq}
 * order, so a committed message's predecessors are in the log already). A gap the log cannot
 * fill (retention removed those messages) is skipped, with one log line.
 *
 * <p>The common case, the next run in order, costs one comparison per message and no copy.
 * Delivery happens under this sequencer's lock, on whichever thread brought the run (the bus's,
 * or a log reader's after a gap), so the room sees one run at a time, in order.
 */
final class Sequencer {
    private static final System.Logger LOG = System.getLogger(Sequencer.class.getName());
    /** How long an early message waits for the ones before it before they are read from the log. */
    static final long HOLD_MILLIS = 100;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    /** Reads missing messages and schedules the wait before that: the log and a timer. */
    interface GapFiller {
        /** The kept messages of {@code room} with {@code after < seq <= upTo}, oldest first. */
        CompletionStage<List<Message>> read(String room, long after, long upTo);

        /** Runs {@code task} after {@code millis}; never blocks. */
        void schedule(Runnable task, long millis);

        /** Where the repairs of every room are counted. */
        default DeliveryRepairs repairs() {
            return DeliveryRepairs.UNCOUNTED;
        }

        /** Reads from {@code log}, waits on {@code timer}, counts in {@code repairs}. */
        static GapFiller of(MessageLog log, ScheduledExecutorService timer, DeliveryRepairs repairs) {
            return new GapFiller() {
                @Override
                public DeliveryRepairs repairs() {
                    return repairs;
                }

                @Override
                public CompletionStage<List<Message>> read(String room, long after, long upTo) {
                    return log.range(room, after, upTo);
                }

                @Override
                public void schedule(Runnable task, long millis) {
                    try {
                        timer.schedule(task, millis, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        // shutting down: nothing is delivered any more
                    }
                }
            };
        }
    }

    private final String room;
    private final Consumer<List<Message>> delivery;
    private final GapFiller gaps;
    private long delivered; // guarded by this
    /** The highest seq known to exist: offered, or reported by {@link #reached}; guarded by this. */
    private long known;
    private final TreeMap<Long, Message> held = new TreeMap<>(); // guarded by this
    private boolean gapCheckScheduled; // guarded by this
    /** Acks waiting for their seq to be delivered; guarded by this. */
    private TreeMap<Long, List<CompletableFuture<Void>>> waiting;

    /**
     * @param delivered the last seq the room has already delivered (or has no need to: it was
     *                  committed before the room was loaded)
     * @param delivery  the room's delivery; gets non-empty runs in seq order without gaps
     */
    Sequencer(String room, long delivered, Consumer<List<Message>> delivery, GapFiller gaps) {
        this.room = room;
        this.delivered = delivered;
        this.known = delivered;
        this.delivery = delivery;
        this.gaps = gaps;
    }

    /** A run of this room's messages from the bus, in any order, possibly with repeats. */
    void offer(List<Message> run) {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            if (held.isEmpty() && inOrder(run)) {
                delivered = run.get(run.size() - 1).seq();
                known = Math.max(known, delivered);
                delivery.accept(run);
            } else {
                int early = 0;
                for (Message m : run) {
                    if (m.seq() > delivered) {
                        if (held.putIfAbsent(m.seq(), m) == null && m.seq() > delivered + 1) {
                            early++; // came before one it follows
                        }
                        known = Math.max(known, m.seq());
                    }
                }
                if (early > 0) {
                    gaps.repairs().held(early);
                }
                releaseHeld();
            }
            released = releaseWaiting();
        }
        complete(released);
    }

    /**
     * The log says the room's messages reach {@code lastSeq} (a sweep of the rooms' last seqs,
     * or a resync after the bus was down): what the bus lost at the end of a stream, which no
     * later message reveals, is read after the usual hold.
     */
    void reached(long lastSeq) {
        synchronized (this) {
            if (lastSeq <= known) {
                return;
            }
            known = lastSeq;
            scheduleGapCheck();
        }
    }

    /** Whether the run is exactly the next seqs, delivered + 1, + 2, … */
    private boolean inOrder(List<Message> run) {
        long expected = delivered + 1;
        for (int i = 0, n = run.size(); i < n; i++) {
            if (run.get(i).seq() != expected++) {
                return false;
            }
        }
        return !run.isEmpty();
    }

    /** Delivers the held messages that now follow on; schedules a look at the gap if some remain. */
    private void releaseHeld() {
        List<Message> ready = null;
        Map.Entry<Long, Message> first;
        while ((first = held.firstEntry()) != null && first.getKey() <= delivered + 1) {
            held.pollFirstEntry();
            if (first.getKey() == delivered + 1) {
                if (ready == null) {
                    ready = new ArrayList<>();
                }
                ready.add(first.getValue());
                delivered++;
            }
        }
        if (ready != null) {
            delivery.accept(ready);
        }
        if (known > delivered) {
            scheduleGapCheck();
        }
    }

    private void scheduleGapCheck() {
        if (!gapCheckScheduled) {
            gapCheckScheduled = true;
            gaps.schedule(this::checkGap, HOLD_MILLIS);
        }
    }

    /** The hold is over: if a gap is still open (before the first held seq, or up to the last known), read it. */
    private void checkGap() {
        long after;
        long upTo;
        synchronized (this) {
            gapCheckScheduled = false;
            after = delivered;
            upTo = held.isEmpty() ? known : held.firstKey() - 1;
            if (after >= upTo) {
                return;
            }
        }
        gaps.repairs().read();
        gaps.read(room, after, upTo).whenComplete((found, failure) -> filled(after, upTo, found, failure));
    }

    private void filled(long after, long upTo, List<Message> found, Throwable failure) {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            if (failure != null) {
                LOG.log(Level.WARNING, "room={0}: could not read seq {1,number,#}-{2,number,#} to fill a gap ({3}); retrying",
                        room, after + 1, upTo, failure.getClass().getSimpleName());
                scheduleGapCheck();
                return;
            }
            for (Message m : found) {
                if (m.seq() > delivered) {
                    held.putIfAbsent(m.seq(), m);
                }
            }
            releaseHeld();
            if (delivered < upTo && (held.isEmpty() || held.firstKey() > delivered + 1)) {
                // The log has nothing between: those messages are no longer kept. Skip them.
                long skipTo = held.isEmpty() ? upTo : Math.min(held.firstKey() - 1, upTo); // beyond upTo was not read
                LOG.log(Level.WARNING, "room={0}: seq {1,number,#}-{2,number,#} are no longer kept; skipping them",
                        room, delivered + 1, skipTo);
                gaps.repairs().skipped(skipTo - delivered);
                delivered = skipTo;
                releaseHeld();
            }
            released = releaseWaiting();
        }
        complete(released);
    }

    /**
     * Completes once {@code seq} has been delivered to the room (at once when it has): an ack
     * that follows it tells its sender that everybody in the room has been sent the message.
     */
    CompletionStage<Void> delivered(long seq) {
        synchronized (this) {
            if (seq <= delivered) {
                return DONE;
            }
            if (waiting == null) {
                waiting = new TreeMap<>();
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            waiting.computeIfAbsent(seq, s -> new ArrayList<>(1)).add(done);
            return done;
        }
    }

    /** The room is gone: nothing more will be delivered, so nobody waits for it. */
    void release() {
        List<CompletableFuture<Void>> released;
        synchronized (this) {
            held.clear();
            released = new ArrayList<>();
            if (waiting != null) {
                waiting.values().forEach(released::addAll);
                waiting.clear();
            }
        }
        complete(released);
    }

    private List<CompletableFuture<Void>> releaseWaiting() {
        if (waiting == null || waiting.isEmpty() || waiting.firstKey() > delivered) {
            return List.of();
        }
        List<CompletableFuture<Void>> released = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.firstKey() <= delivered) {
            released.addAll(waiting.pollFirstEntry().getValue());
        }
        return released;
    }

    private static void complete(List<CompletableFuture<Void>> released) {
        for (CompletableFuture<Void> f : released) {
            f.complete(null); // outside the lock: the ack goes out from here
        }
    }
}
