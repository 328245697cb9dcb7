package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboxTest {
    private final List<String> overflows = new ArrayList<>();

    private final List<Throwable> failures = new ArrayList<>();

    private Outbox outbox(Connection connection, int maxFrames, long maxBytes) {
        return new Outbox(connection, maxFrames, maxBytes, new Outbox.Listener() {
            @Override
            public void overflowed(int pendingFrames, long pendingBytes) {
                overflows.add(pendingFrames + "/" + pendingBytes);
            }

            @Override
            public void sendFailed(Throwable failure) {
                failures.add(failure);
            }
        });
    }

    /**
     * A transport that writes frames and records their texts in {@code delivered}: every
     * {@code inlineEvery}-th write completes inline, as Grizzly's does when the socket takes it at
     * once, the others later on {@code network}.
     */
    private static Connection writingFrames(ExecutorService network, List<String> delivered, int inlineEvery,
            AtomicInteger writes) {
        return new Connection() {
            @Override
            public void send(String text, SendCallback done) {
                throw new AssertionError("text send on a frame-writing transport");
            }

            @Override
            public boolean writesFrames() {
                return true;
            }

            @Override
            public void sendFrames(java.nio.ByteBuffer frames, SendCallback done) {
                List<String> texts = FakeConnection.unframe(frames.duplicate());
                if (writes.incrementAndGet() % inlineEvery == 0) {
                    delivered.addAll(texts);
                    done.completed(null);
                } else {
                    network.execute(() -> {
                        delivered.addAll(texts);
                        done.completed(null);
                    });
                }
            }

            @Override
            public void ping() {
            }

            @Override
            public void close(int code, String reason) {
            }
        };
    }

    @Test
    void sendsInOrderWhenSendsCompleteInline() {
        FakeConnection connection = new FakeConnection();
        Outbox outbox = outbox(connection, 10, 1000);
        for (int i = 0; i < 5; i++) {
            outbox.send(EncodedFrame.of("f" + i));
        }
        assertThat(connection.sent).containsExactly("f0", "f1", "f2", "f3", "f4");
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
    }

    @Test
    void keepsOneSendInFlightAndCountsWhatWaits() {
        FakeConnection connection = new FakeConnection().holdSends();
        Outbox outbox = outbox(connection, 10, 1000);
        outbox.send(EncodedFrame.of("a"));
        outbox.send(EncodedFrame.of("bb"));
        outbox.send(EncodedFrame.of("ccc"));
        assertThat(connection.sent).containsExactly("a");
        assertThat(outbox.pendingFrames()).isEqualTo(3);
        assertThat(outbox.pendingBytes()).isEqualTo(6);

        connection.completeOne();
        assertThat(connection.sent).containsExactly("a", "bb");
        connection.completeOne();
        connection.completeOne();
        assertThat(connection.sent).containsExactly("a", "bb", "ccc");
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
    }

    @Test
    void overflowsPastTheFrameCapOnceAndThenRefuses() {
        FakeConnection connection = new FakeConnection().holdSends();
        Outbox outbox = outbox(connection, 3, 1_000_000);
        for (int i = 0; i < 10; i++) {
            outbox.send(EncodedFrame.of("x"));
        }
        assertThat(overflows).containsExactly("4/4");
        assertThat(outbox.isOverflowed()).isTrue();
        assertThat(outbox.offer(EncodedFrame.of("late"))).isFalse();
        connection.completeOne();
        assertThat(connection.sent).containsExactly("x"); // nothing more after the overflow
    }

    @Test
    void overflowsPastTheByteCap() {
        FakeConnection connection = new FakeConnection().holdSends();
        Outbox outbox = outbox(connection, 1000, 10);
        outbox.send(EncodedFrame.of("12345"));
        outbox.send(EncodedFrame.of("12345"));
        assertThat(overflows).isEmpty();
        outbox.send(EncodedFrame.of("1"));
        assertThat(overflows).containsExactly("3/11");
    }

    @Test
    void countsUtf8Bytes() {
        assertThat(EncodedFrame.of("a").bytes()).isEqualTo(1);
        assertThat(EncodedFrame.of("é").bytes()).isEqualTo(2);
        assertThat(EncodedFrame.of("소리").bytes()).isEqualTo(6);
        assertThat(EncodedFrame.of("😀").bytes()).isEqualTo(4);
        String mixed = "a é 소 😀 \uD800"; // a lone surrogate is written as '?', as Java's encoder does
        assertThat(EncodedFrame.of(mixed).bytes()).isEqualTo(mixed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void preBuiltFramesHaveTheHeaderOfTheirLength() {
        for (int length : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
            String text = "x".repeat(length);
            byte[] wire = EncodedFrame.of(text).wire();
            int header = length < 126 ? 2 : length <= 65_535 ? 4 : 10;
            assertThat(wire).as("length %d", length).hasSize(header + length);
            assertThat(FakeConnection.unframe(java.nio.ByteBuffer.wrap(wire))).as("length %d", length)
                    .containsExactly(text);
        }
        assertThat(FakeConnection.unframe(java.nio.ByteBuffer.wrap(EncodedFrame.of("소리 😀").wire())))
                .containsExactly("소리 😀");
    }

    @Test
    void aTransportThatWritesFramesGetsEverythingQueuedInOneWrite() {
        FakeConnection connection = new FakeConnection().writingFrames().holdSends();
        Outbox outbox = outbox(connection, 100, 100_000);
        outbox.send(EncodedFrame.of("a"));
        outbox.send(EncodedFrame.of("bb"));
        outbox.send(EncodedFrame.of("ccc"));
        outbox.send(EncodedFrame.of("소"));
        assertThat(connection.writes).containsExactly(List.of("a"));
        assertThat(outbox.pendingFrames()).isEqualTo(4);
        assertThat(outbox.pendingBytes()).isEqualTo(9);

        connection.completeOne(); // the three queued behind "a" go together, in order
        assertThat(connection.writes).containsExactly(List.of("a"), List.of("bb", "ccc", "소"));
        assertThat(outbox.pendingFrames()).isEqualTo(3);
        assertThat(outbox.pendingBytes()).isEqualTo(8);

        connection.completeOne();
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
        outbox.send(EncodedFrame.of("d"));
        assertThat(connection.writes).hasSize(3);
        assertThat(connection.sent).containsExactly("a", "bb", "ccc", "소", "d");
    }

    @Test
    void oneWriteCarriesAtMostMaxWriteBytesUnlessOneFrameIsBiggerAlone() {
        FakeConnection connection = new FakeConnection().writingFrames().holdSends();
        Outbox outbox = outbox(connection, 1000, 100_000_000);
        String big = "y".repeat(Outbox.MAX_WRITE_BYTES); // over the limit with its header: alone
        String third = "z".repeat(Outbox.MAX_WRITE_BYTES / 3);
        outbox.send(EncodedFrame.of("first"));
        outbox.send(EncodedFrame.of(big));
        for (int i = 0; i < 4; i++) {
            outbox.send(EncodedFrame.of(third));
        }
        while (outbox.pendingFrames() > 0) {
            connection.completeOne();
        }
        assertThat(connection.writes).extracting(List::size).containsExactly(1, 1, 2, 2);
        assertThat(connection.sent).containsExactly("first", big, third, third, third, third);
    }

    @Test
    void frameWritesCompletingInlineAndFromOtherThreadsKeepOrderAndLoseNothing() throws Exception {
        ExecutorService network = Executors.newSingleThreadExecutor();
        List<String> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger writes = new AtomicInteger();
        Connection connection = writingFrames(network, delivered, 2, writes);
        Outbox outbox = outbox(connection, 1_000_000, Long.MAX_VALUE);
        int producers = 3;
        int each = 5000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            pool.execute(() -> {
                for (int i = 0; i < each; i++) {
                    outbox.send(EncodedFrame.of(producer + ":" + i));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.size() < producers * each && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        network.shutdown();
        assertThat(delivered).hasSize(producers * each);
        int[] next = new int[producers];
        for (String frame : delivered) {
            String[] parts = frame.split(":");
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[Integer.parseInt(parts[0])]++);
        }
        assertThat(writes.get()).as("writes for %d frames", producers * each).isLessThan(producers * each);
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
    }

    @Test
    void tellsHowLongTheSendInFlightHasBeenWaiting() throws Exception {
        FakeConnection connection = new FakeConnection().writingFrames().holdSends();
        Outbox outbox = outbox(connection, 10, 1000);
        assertThat(outbox.sendStalledNanos(System.nanoTime())).isZero();
        long before = System.nanoTime();
        outbox.send(EncodedFrame.of("a"));
        outbox.send(EncodedFrame.of("b"));
        long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        assertThat(outbox.sendStalledNanos(later)).isBetween(TimeUnit.SECONDS.toNanos(3), later - before);
        connection.completeOne(); // "b" is now in flight, since just now
        assertThat(outbox.sendStalledNanos(later)).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(3));
        connection.completeOne();
        assertThat(outbox.sendStalledNanos(later)).isZero();
        assertThat(outbox.giveUp()).isTrue();
        assertThat(outbox.giveUp()).isFalse();
        assertThat(outbox.offer(EncodedFrame.of("late"))).isFalse();
        assertThat(overflows).isEmpty(); // giving up is the caller's doing: no report
    }

    @Test
    void concurrentProducersWithAsynchronousCompletionLoseNothingAndKeepEachProducersOrder() throws Exception {
        ExecutorService network = Executors.newSingleThreadExecutor();
        List<String> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Connection connection = new Connection() {
            @Override
            public void send(String text, SendCallback done) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                network.execute(() -> {
                    delivered.add(text);
                    inFlight.decrementAndGet();
                    done.completed(null);
                });
            }

            @Override
            public void ping() {
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        Outbox outbox = outbox(connection, 1_000_000, Long.MAX_VALUE);
        int producers = 4;
        int each = 5000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    outbox.send(EncodedFrame.of(producer + ":" + i));
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.size() < producers * each && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        network.shutdown();

        assertThat(delivered).hasSize(producers * each);
        assertThat(maxInFlight.get()).isEqualTo(1);
        int[] next = new int[producers];
        for (String frame : delivered) {
            String[] parts = frame.split(":");
            int producer = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[producer]++);
        }
        assertThat(outbox.pendingFrames()).isZero();
    }

    /**
     * A frame offered after another thread's offer that it learnt of follows that frame. Thread A
     * offers "a i" and hands i to thread B, which offers "b i": every "a i" must reach the client
     * before "b i", whether the outbox was idle or busy, with sends completing inline and on a
     * network thread, both of which drain.
     */
    @Test
    void aFrameOfferedAfterAnotherThreadsOfferFollowsIt() throws Exception {
        ExecutorService network = Executors.newSingleThreadExecutor();
        List<String> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
        Connection connection = writingFrames(network, delivered, 3, new AtomicInteger());
        Outbox outbox = outbox(connection, 1_000_000, Long.MAX_VALUE);
        int rounds = 20_000;
        java.util.concurrent.SynchronousQueue<Integer> handOff = new java.util.concurrent.SynchronousQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.execute(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    outbox.send(EncodedFrame.of("a " + i));
                    handOff.put(i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        pool.execute(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    outbox.send(EncodedFrame.of("b " + handOff.take()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (delivered.size() < 2 * rounds && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        network.shutdown();

        assertThat(delivered).hasSize(2 * rounds);
        java.util.Map<String, Integer> at = new java.util.HashMap<>();
        for (int i = 0; i < delivered.size(); i++) {
            at.put(delivered.get(i), i);
        }
        for (int i = 0; i < rounds; i++) {
            assertThat(at.get("a " + i)).as("a %d before b %d", i, i).isLessThan(at.get("b " + i));
        }
        assertThat(outbox.pendingFrames()).isZero();
        assertThat(outbox.pendingBytes()).isZero();
    }

    @Test
    void aFailedSendStopsTheOutboxAndIsReportedOnce() {
        List<String> sent = new ArrayList<>();
        Connection broken = new Connection() {
            @Override
            public void send(String text, SendCallback done) {
                sent.add(text);
                done.completed(new java.io.IOException("broken pipe"));
            }

            @Override
            public void ping() {
            }

            @Override
            public void close(int code, String reason) {
            }
        };
        Outbox outbox = outbox(broken, 10, 1000);
        outbox.send(EncodedFrame.of("a"));
        outbox.send(EncodedFrame.of("b"));
        assertThat(sent).containsExactly("a");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0)).hasMessage("broken pipe");
        assertThat(overflows).isEmpty();
    }
}
