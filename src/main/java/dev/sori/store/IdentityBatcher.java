package dev.sori.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit for new identities. Every anonymous connection creates one, and a commit per
 * identity was the biggest single cost of a handshake; so at most one batch is in the database at
 * a time, and the identities created meanwhile wait for the next, which takes them all (up to
 * {@code maxBatch}) in one transaction. Nothing lingers: a lone identity is written at once, and
 * under a burst the batches grow by themselves with the time a commit takes.
 *
 * <p>Each future completes only after its identity's transaction has committed (or failed), so
 * a caller that waits for it before handing out the token hands out only durable tokens. The work
 * runs on the given executor, one task at a time.
 */
final class IdentityBatcher {
    private final IdentityStore store;
    private final Executor executor;
    private final int maxBatch;
    private final int capacity;
    private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private record Pending(NewIdentity identity, CompletableFuture<StoredIdentity> future) {
    }

    /**
     * @param maxBatch identities per transaction at most
     * @param capacity identities waiting at most; past it, creating one fails as unavailable
     */
    IdentityBatcher(IdentityStore store, Executor executor, int maxBatch, int capacity) {
        if (maxBatch < 1 || capacity < 1) {
            throw new IllegalArgumentException("maxBatch and capacity must be positive");
        }
        this.store = store;
        this.executor = executor;
        this.maxBatch = maxBatch;
        this.capacity = capacity;
    }

    /** Completes, on the executor, once the identity is committed; fails as the store would. */
    CompletableFuture<StoredIdentity> create(NewIdentity identity) {
        CompletableFuture<StoredIdentity> future = new CompletableFuture<>();
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            future.completeExceptionally(new StoreUnavailableException(
                    "identity queue is full (" + capacity + " identities pending)"));
            return future;
        }
        queue.add(new Pending(identity, future));
        schedule();
        return future;
    }

    /** Starts a batch unless one is running; the running one starts the next when it ends. */
    private void schedule() {
        while (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
                return;
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                failQueued(new StoreUnavailableException("storage is overloaded or closed (saving identities)", e));
            }
        }
    }

    private void drain() {
        List<Pending> batch = new ArrayList<>(Math.min(maxBatch, 64));
        List<Runnable> outcomes;
        try {
            Pending next;
            while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                batch.add(next);
            }
            queued.addAndGet(-batch.size());
            outcomes = write(batch);
        } finally {
            scheduled.set(false);
            schedule(); // what arrived while this batch was in the database, on another thread
        }
        // Completing runs the callers' continuations (a welcome each): after the next batch is
        // on its way, so that it does not wait for them.
        outcomes.forEach(Runnable::run);
    }

    /** Writes the batch; returns how to complete each future, without completing any yet. */
    private List<Runnable> write(List<Pending> batch) {
        List<Runnable> outcomes = new ArrayList<>(batch.size());
        if (batch.isEmpty()) {
            return outcomes;
        }
        List<NewIdentity> identities = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            identities.add(p.identity());
        }
        try {
            List<StoredIdentity> stored = store.createAll(identities);
            for (int i = 0; i < batch.size(); i++) {
                CompletableFuture<StoredIdentity> future = batch.get(i).future();
                StoredIdentity result = stored.get(i);
                outcomes.add(() -> future.complete(result));
            }
        } catch (StoreConflictException conflict) {
            // One taken id or token (random ones: practically never) must not cost the others
            // theirs: each again on its own, so that only the clashing one fails.
            if (batch.size() == 1) {
                outcomes.add(() -> batch.get(0).future().completeExceptionally(conflict));
            } else {
                for (Pending p : batch) {
                    outcomes.add(writeAlone(p));
                }
            }
        } catch (RuntimeException | Error failure) {
            for (Pending p : batch) {
                outcomes.add(() -> p.future().completeExceptionally(failure));
            }
        }
        return outcomes;
    }

    private Runnable writeAlone(Pending p) {
        try {
            StoredIdentity stored = store.create(p.identity());
            return () -> p.future().complete(stored);
        } catch (RuntimeException | Error failure) {
            return () -> p.future().completeExceptionally(failure);
        }
    }

    private void failQueued(StoreException failure) {
        Pending p;
        while ((p = queue.poll()) != null) {
            queued.decrementAndGet();
            p.future().completeExceptionally(failure);
        }
    }
}
