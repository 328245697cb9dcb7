package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdentityBatcherTest {
    private final ExecutorService io = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    /** Records each transaction; the first one waits for {@link #release}; some tokens are "taken". */
    private static final class FakeStore implements IdentityStore {
        final List<List<String>> transactions = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Set<String> takenTokens = Set.of();
        volatile RuntimeException failure;

        @Override
        public List<StoredIdentity> createAll(List<NewIdentity> identities) {
            firstStarted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (failure != null) {
                throw failure;
            }
            for (NewIdentity n : identities) {
                if (takenTokens.contains(n.token())) {
                    throw new StoreConflictException("taken");
                }
            }
            transactions.add(identities.stream().map(NewIdentity::id).toList());
            Instant now = Instant.EPOCH;
            return identities.stream().map(n -> new StoredIdentity(n.id(), n.nick(), n.color(), now, now)).toList();
        }

        @Override
        public StoredIdentity create(NewIdentity identity) {
            return createAll(List.of(identity)).get(0);
        }

        @Override
        public Optional<StoredIdentity> findByToken(String token) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<StoredIdentity> find(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean rename(String id, String nick) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void seen(String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int forgetUnseenSince(Instant cutoff) {
            throw new UnsupportedOperationException();
        }
    }

    private static NewIdentity identity(int i) {
        return new NewIdentity("id" + i, "token" + i, "Anon-" + i, "#000000");
    }

    @Test
    void identitiesCreatedWhileABatchIsInTheDatabaseGoTogetherInTheNext() throws Exception {
        FakeStore store = new FakeStore();
        IdentityBatcher batcher = new IdentityBatcher(store, io, 256, 10_000);

        CompletableFuture<StoredIdentity> first = batcher.create(identity(0));
        assertThat(store.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<StoredIdentity>> waiting = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            waiting.add(batcher.create(identity(i)));
        }
        Thread.sleep(100);
        assertThat(first).as("not complete before its transaction commits").isNotDone();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        store.release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS).id()).isEqualTo("id0");
        for (int i = 0; i < waiting.size(); i++) {
            assertThat(waiting.get(i).get(10, TimeUnit.SECONDS).id()).isEqualTo("id" + (i + 1));
        }
        assertThat(store.transactions).hasSize(2);
        assertThat(store.transactions.get(0)).containsExactly("id0");
        assertThat(store.transactions.get(1)).hasSize(50).startsWith("id1").endsWith("id50");
    }

    @Test
    void aBatchIsNoBiggerThanTheLimit() throws Exception {
        FakeStore store = new FakeStore();
        IdentityBatcher batcher = new IdentityBatcher(store, io, 8, 10_000);
        batcher.create(identity(0));
        assertThat(store.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<StoredIdentity>> waiting = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            waiting.add(batcher.create(identity(i)));
        }
        store.release.countDown();
        CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(store.transactions.stream().mapToInt(List::size)).allMatch(n -> n <= 8);
        assertThat(store.transactions.stream().mapToInt(List::size).sum()).isEqualTo(21);
    }

    @Test
    void aTakenTokenFailsOnlyItsOwnIdentity() throws Exception {
        FakeStore store = new FakeStore();
        IdentityBatcher batcher = new IdentityBatcher(store, io, 256, 10_000);
        batcher.create(identity(0));
        assertThat(store.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        store.takenTokens = Set.of("token2");
        CompletableFuture<StoredIdentity> one = batcher.create(identity(1));
        CompletableFuture<StoredIdentity> two = batcher.create(identity(2));
        CompletableFuture<StoredIdentity> three = batcher.create(identity(3));
        store.release.countDown();

        assertThat(one.get(10, TimeUnit.SECONDS).id()).isEqualTo("id1");
        assertThat(three.get(10, TimeUnit.SECONDS).id()).isEqualTo("id3");
        assertThat(failureOf(two)).isInstanceOf(StoreConflictException.class);
    }

    @Test
    void aDatabaseFailureFailsTheWholeBatchAndTheNextOneStillRuns() throws Exception {
        FakeStore store = new FakeStore();
        store.failure = new StoreUnavailableException("database down");
        IdentityBatcher batcher = new IdentityBatcher(store, io, 256, 10_000);
        CompletableFuture<StoredIdentity> first = batcher.create(identity(0));
        CompletableFuture<StoredIdentity> second = batcher.create(identity(1));
        store.release.countDown();
        assertThat(failureOf(first)).isInstanceOf(StoreUnavailableException.class);
        assertThat(failureOf(second)).isInstanceOf(StoreUnavailableException.class);

        store.failure = null; // the database is back
        assertThat(batcher.create(identity(2)).get(10, TimeUnit.SECONDS).id()).isEqualTo("id2");
    }

    @Test
    void pastItsCapacityItRefusesAtOnceAsUnavailable() throws Exception {
        FakeStore store = new FakeStore();
        IdentityBatcher batcher = new IdentityBatcher(store, io, 256, 3);
        batcher.create(identity(0)); // taken out of the queue by the blocked transaction
        assertThat(store.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<StoredIdentity>> accepted = List.of(batcher.create(identity(1)),
                batcher.create(identity(2)), batcher.create(identity(3)));
        CompletableFuture<StoredIdentity> refused = batcher.create(identity(4));

        assertThat(refused).isCompletedExceptionally();
        assertThat(failureOf(refused)).isInstanceOf(StoreUnavailableException.class);
        store.release.countDown();
        CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(batcher.create(identity(5)).get(10, TimeUnit.SECONDS).id()).isEqualTo("id5");
    }

    @Test
    void aClosedExecutorFailsTheIdentityInsteadOfLosingIt() throws Exception {
        FakeStore store = new FakeStore();
        store.release.countDown();
        IdentityBatcher batcher = new IdentityBatcher(store, command -> {
            throw new RejectedExecutionException("shut down");
        }, 256, 10_000);
        CompletableFuture<StoredIdentity> f = batcher.create(identity(0));
        assertThat(f).isCompletedExceptionally();
        assertThat(failureOf(f)).isInstanceOf(StoreUnavailableException.class);
    }

    private static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException, TimeoutException {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + f.join());
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
