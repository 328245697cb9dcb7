package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class FanOutTest {
    /** Completes every send at once, remembering what was sent and on which thread. */
    private static final class ThreadRecordingConnection implements Connection {
        final List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void send(String text, SendCallback done) {
            threads.add(Thread.currentThread().getName());
            sent.add(text);
            done.completed(null);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private final List<ThreadRecordingConnection> connections = new ArrayList<>();

    private List<Outbox> outboxes(int n) {
        List<Outbox> outboxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ThreadRecordingConnection connection = new ThreadRecordingConnection();
            connections.add(connection);
            outboxes.add(new Outbox(connection, 100, 1 << 20, new Outbox.Listener() {
                @Override
                public void overflowed(int pendingFrames, long pendingBytes) {
                }

                @Override
                public void sendFailed(Throwable failure) {
                }
            }));
        }
        return outboxes;
    }

    private static void queue(List<Outbox> outboxes, String... texts) {
        for (String text : texts) {
            EncodedFrame frame = EncodedFrame.of(text);
            outboxes.forEach(o -> o.offer(frame));
        }
    }

    @Test
    void aBigBroadcastIsSentOnTwoThreadsAndEveryoneGetsEveryFrameInOrder() throws InterruptedException {
        try (FanOut fanOut = new FanOut(1)) {
            List<Outbox> outboxes = outboxes(2_000);
            for (int round = 0; round < 20; round++) {
                queue(outboxes, "a" + round, "b" + round);
                fanOut.flush(outboxes);
            }
            List<String> expected = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                expected.add("a" + round);
                expected.add("b" + round);
            }
            await(() -> connections.stream().allMatch(c -> c.sent.size() == expected.size()));
            connections.forEach(c -> assertThat(c.sent).containsExactlyElementsOf(expected));
            assertThat(connections.get(0).threads).containsOnly(Thread.currentThread().getName());
            assertThat(connections.get(1_999).threads).allMatch(name -> name.startsWith("sori-fanout-"));
        }
    }

    @Test
    void aSmallBroadcastStaysOnTheCallersThread() {
        try (FanOut fanOut = new FanOut(1)) {
            List<Outbox> outboxes = outboxes(2 * FanOut.PART - 1);
            queue(outboxes, "hello");
            fanOut.flush(outboxes);
            // Sent before flush returned, all on this thread.
            connections.forEach(c -> assertThat(c.sent).containsExactly("hello"));
            connections.forEach(c -> assertThat(c.threads).containsOnly(Thread.currentThread().getName()));
        }
    }

    @Test
    void withoutWorkersEverythingIsSentOnTheCallersThread() {
        try (FanOut fanOut = new FanOut(0)) {
            List<Outbox> outboxes = outboxes(3_000);
            queue(outboxes, "hello");
            fanOut.flush(outboxes);
            connections.forEach(c -> assertThat(c.sent).containsExactly("hello"));
        }
    }

    @Test
    void theWorkersCanBeSetWithASystemProperty() {
        String before = System.getProperty("sori.fanout-threads");
        System.setProperty("sori.fanout-threads", "0");
        try (FanOut fanOut = FanOut.perCore()) {
            List<Outbox> outboxes = outboxes(3_000);
            queue(outboxes, "hello");
            fanOut.flush(outboxes);
            // Sent before flush returned, all on this thread: no worker took a part.
            connections.forEach(c -> assertThat(c.sent).containsExactly("hello"));
            connections.forEach(c -> assertThat(c.threads).containsOnly(Thread.currentThread().getName()));
        } finally {
            if (before == null) {
                System.clearProperty("sori.fanout-threads");
            } else {
                System.setProperty("sori.fanout-threads", before);
            }
        }
    }

    @Test
    void eachBatchIsReadAheadBeforeItsFlushesAndNothingIsSentByTheReadAlone() {
        List<String> events = new ArrayList<>();
        List<Outbox> outboxes = new ArrayList<>();
        int n = FanOut.AHEAD * 2 + 5;
        for (int i = 0; i < n; i++) {
            int member = i;
            Connection connection = new Connection() {
                @Override
                public void send(String text, SendCallback done) {
                    events.add("send " + member);
                    done.completed(null);
                }

                @Override
                public void prefetch() {
                    events.add("read " + member);
                }

                @Override
                public void ping() {
                }

                @Override
                public void close(int code, String reason) {
                }
            };
            outboxes.add(new Outbox(connection, 100, 1 << 20, new Outbox.Listener() {
                @Override
                public void overflowed(int pendingFrames, long pendingBytes) {
                }

                @Override
                public void sendFailed(Throwable failure) {
                }
            }));
        }
        outboxes.get(0).prefetch();
        assertThat(events).as("nothing queued: nothing to read ahead").isEmpty();

        queue(outboxes, "hello");
        try (FanOut fanOut = new FanOut(0)) {
            fanOut.flush(outboxes);
        }

        List<String> expected = new ArrayList<>();
        for (int from = 0; from < n; from += FanOut.AHEAD) {
            int to = Math.min(n, from + FanOut.AHEAD);
            for (int i = from; i < to; i++) {
                expected.add("read " + i);
            }
            for (int i = from; i < to; i++) {
                expected.add("send " + i);
            }
        }
        assertThat(events).containsExactlyElementsOf(expected);
        assertThat(outboxes).allSatisfy(o -> assertThat(o.pendingFrames()).isZero());
    }
}
