package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate's contract: writes until the close, the close after the writes let through, nothing waits. */
class ClosingGateTest {
    private final List<String> log = new ArrayList<>();
    private final ClosingGate gate = new ClosingGate();

    @Test
    void aCloseWithNothingInProgressRunsAtOnceAndShutsTheGate() {
        assertThat(gate.close(() -> log.add("close"))).isTrue();
        assertThat(log).containsExactly("close");
        assertThat(gate.enter()).isFalse();
        assertThat(gate.close(() -> log.add("second close"))).as("a second close").isFalse();
        assertThat(log).containsExactly("close");
    }

    @Test
    void aCloseWaitsForEveryWriteLetThroughAndRunsOnTheLast() {
        assertThat(gate.enter()).isTrue();
        assertThat(gate.enter()).isTrue();
        gate.close(() -> log.add("close"));
        assertThat(gate.enter()).as("a write after the close").isFalse();
        gate.exit();
        assertThat(log).as("one write still in progress").isEmpty();
        gate.exit();
        assertThat(log).containsExactly("close");
    }

    /** A close asked for from inside a write (a broken socket closing on the writing thread) neither waits for itself nor overtakes it. */
    @Test
    void aCloseFromInsideAWriteRunsWhenThatWriteEnds() {
        assertThat(gate.enter()).isTrue();
        log.add("write");
        gate.close(() -> log.add("close"));
        gate.afterClose(() -> log.add("connection closed"));
        log.add("write returns");
        gate.exit();
        assertThat(log).containsExactly("write", "write returns", "close", "connection closed");
    }

    @Test
    void whatFollowsTheCloseRunsAtOnceWhenTheCloseHasRunOrNoneWasAskedFor() {
        gate.afterClose(() -> log.add("closed without a close"));
        assertThat(log).containsExactly("closed without a close");

        ClosingGate closed = new ClosingGate();
        closed.close(() -> log.add("close"));
        closed.afterClose(() -> log.add("after"));
        assertThat(log).containsExactly("closed without a close", "close", "after");
    }

    /** Four writers and a closer on five threads, many times: the close runs once, after every write let through. */
    @Test
    void underContentionTheCloseRunsOnceAndLast() throws Exception {
        for (int round = 0; round < 300; round++) {
            ClosingGate g = new ClosingGate();
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger closeWhileInside = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    await(go);
                    for (int i = 0; i < 50 && g.enter(); i++) {
                        try {
                            inside.incrementAndGet();
                            seen.add("write");
                            inside.decrementAndGet();
                        } finally {
                            g.exit();
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                await(go);
                g.close(() -> {
                    if (inside.get() != 0) {
                        closeWhileInside.incrementAndGet();
                    }
                    seen.add("close");
                });
            }));
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertThat(seen).last().isEqualTo("close");
            assertThat(seen).filteredOn("close"::equals).hasSize(1);
            assertThat(closeWhileInside.get()).isZero();
        }
    }

    private static void await(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
