package dev.sori.store;

import dev.sori.chat.Message;
import dev.sori.testing.PostgresDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database goes away under a running store and comes back: appends fail with
 * {@link StoreUnavailableException} meanwhile, nothing half-stored, and afterwards the store
 * carries on by itself with the next seq, no gap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresOutageTest extends StoreContract {

    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }

    private static Message message(String room, String text) {
        return Message.draft(room, "id-ada", "ada", "#2a9d8f", text, null, null);
    }

    @Test
    void appendsFailWhileTheDatabaseIsDownAndResumeWithoutAGap() throws Exception {
        PostgresBackend pg = (PostgresBackend) backend;
        Storage s = open(pg.settings().withConnectionTimeout(Duration.ofSeconds(1)).withQueueCapacity(1000),
                Clock.systemUTC());
        String room = newRoom(s);
        for (int i = 1; i <= 10; i++) {
            assertThat(Appends.append(s.messages(), message(room, "before " + i)).join().seq()).isEqualTo(i);
        }

        pg.takeDown();
        try {
            List<CompletableFuture<Message>> during = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                during.add(Appends.append(s.messages(), message(room, "during " + i)));
            }
            for (CompletableFuture<Message> f : during) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(StoreUnavailableException.class);
            }
            assertThatThrownBy(() -> s.messages().latest(room, 10)).isInstanceOf(StoreUnavailableException.class);
            assertThatThrownBy(() -> s.rooms().find(room)).isInstanceOf(StoreUnavailableException.class);
            assertThat(s.writerStats().failed()).isGreaterThanOrEqualTo(200);
        } finally {
            pg.bringBack();
        }

        Message first = appendUntilStored(s, room, Duration.ofSeconds(30));
        assertThat(first.seq()).as("the first seq after the outage").isEqualTo(11);
        for (int i = 12; i <= 20; i++) {
            assertThat(Appends.append(s.messages(), message(room, "after " + i)).join().seq()).isEqualTo(i);
        }
        List<Message> history = s.messages().latest(room, 100);
        assertThat(history).extracting(Message::seq)
                .containsExactlyElementsOf(MessageStoreContract.range(1, 20));
        assertThat(history).extracting(Message::text).noneMatch(t -> t.startsWith("during"));
    }

    @Test
    void readinessGoesOffWhileTheDatabaseIsDownAndBackOnAfter() throws Exception {
        PostgresBackend pg = (PostgresBackend) backend;
        Storage s = open(pg.settings().withConnectionTimeout(Duration.ofSeconds(1)), Clock.systemUTC());
        assertThat(s.notReadyBecause()).isNull();
        pg.takeDown();
        try {
            String problem = awaitReadiness(s, false, Duration.ofSeconds(30));
            assertThat(problem).doesNotContain(pg.database(), PostgresDatabase.PASSWORD.isEmpty() ? "\u0000"
                    : PostgresDatabase.PASSWORD);
        } finally {
            pg.bringBack();
        }
        awaitReadiness(s, true, Duration.ofSeconds(30));
    }

    /** Asks until readiness is as wanted; returns the last problem (null when ready). */
    private static String awaitReadiness(Storage s, boolean ready, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            String problem = s.notReadyBecause();
            if ((problem == null) == ready) {
                return problem;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readiness not " + ready + " within " + patience + ": " + problem);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void connectionsKilledUnderTheStoreAreReplacedWithoutFailingAnAppend() throws Exception {
        PostgresBackend pg = (PostgresBackend) backend;
        Storage s = open(pg.settings(), Clock.systemUTC());
        String room = newRoom(s);
        for (int round = 1; round <= 5; round++) {
            pg.terminateConnections();
            assertThat(Appends.append(s.messages(), message(room, "after kill " + round)).get(30, TimeUnit.SECONDS).seq())
                    .isEqualTo(round);
        }
        assertThat(s.writerStats().failed()).isZero();
    }

    @Test
    void closingWhileTheDatabaseIsDownFailsThePendingAppendsPromptly() throws Exception {
        PostgresBackend pg = (PostgresBackend) backend;
        Storage s = open(pg.settings().withConnectionTimeout(Duration.ofSeconds(1)).withBatchSize(10),
                Clock.systemUTC());
        String room = newRoom(s);
        pg.takeDown();
        try {
            List<CompletableFuture<Message>> pending = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                pending.add(Appends.append(s.messages(), message(room, "x")));
            }
            long start = System.nanoTime();
            close(s);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            for (CompletableFuture<Message> f : pending) {
                assertThat(f).isCompletedExceptionally();
                assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(StoreUnavailableException.class);
            }
        } finally {
            pg.bringBack();
        }
    }

    private static Message appendUntilStored(Storage s, String room, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return Appends.append(s.messages(), message(room, "back")).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(StoreUnavailableException.class);
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the store did not recover within " + patience, e.getCause());
                }
                Thread.sleep(200);
            }
        }
    }
}
