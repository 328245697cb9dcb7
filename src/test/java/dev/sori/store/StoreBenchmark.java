package dev.sori.store;

import dev.sori.chat.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sustained stored-message rate with acknowledgement after commit: N producers each append,
 * wait for the commit, and append again (a chat client waiting for its ack), for a fixed time,
 * on a fresh database. Not a test; run it by hand:
 *
 * <pre>
 * mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.sori.store.StoreBenchmark h2
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.sori.store.StoreBenchmark pg
 * </pre>
 *
 * Options after the database: {@code producers=64 seconds=10 warmup=3 batch=512 pool=8
 * rooms=1 window=1 chars=100}; {@code window} is how many appends each producer keeps in flight.
 * PostgreSQL is the one {@link PostgresBackend} finds (a throw-away database, dropped after).
 */
public final class StoreBenchmark {
    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("h2") || args[0].equals("pg"))) {
            System.err.println("usage: StoreBenchmark h2|pg [producers=64] [seconds=10] [warmup=3] [batch=512]"
                    + " [pool=8] [rooms=1] [window=1] [chars=100]");
            System.exit(2);
        }
        int producers = option(args, "producers", 64);
        int seconds = option(args, "seconds", 10);
        int warmup = option(args, "warmup", 3);
        int batch = option(args, "batch", 512);
        int pool = option(args, "pool", 8);
        int roomCount = option(args, "rooms", 1);
        int window = option(args, "window", 1);
        int chars = option(args, "chars", 100);

        Backend backend = args[0].equals("h2") ? new H2Backend() : PostgresBackend.createOrSkip();
        try (backend) {
            StoreSettings settings = backend.settings().withPoolSize(pool).withBatchSize(batch)
                    .withQueueCapacity(Math.max(StoreSettings.DEFAULT_QUEUE_CAPACITY, producers * window * 2));
            try (Storage storage = Storage.open(settings)) {
                List<String> rooms = new ArrayList<>();
                for (int i = 0; i < roomCount; i++) {
                    rooms.add(storage.rooms().create(new NewRoom("bench-" + i, "bench " + i, null, null, null)).id());
                }
                Result r = run(storage, rooms, producers, window, chars, warmup, seconds);
                WriterStats stats = storage.writerStats();
                System.out.printf(Locale.ROOT, "%s: %,d messages/s stored and acknowledged after commit%n",
                        backend.name(), Math.round(r.count / r.seconds));
                System.out.printf(Locale.ROOT, "  %d producers x window %d, %d room(s), %d chars, batch <= %d, pool %d,"
                        + " %d s measured after %d s warm-up%n", producers, window, roomCount, chars, batch, pool,
                        seconds, warmup);
                System.out.printf(Locale.ROOT, "  ack latency ms: p50 %.2f, p99 %.2f, max %.2f%n",
                        r.percentile(0.50), r.percentile(0.99), r.percentile(1.0));
                System.out.printf(Locale.ROOT, "  writer overall: %,d transactions, %,d messages, %.1f per transaction,"
                        + " largest %d, failed %d, rejected %d%n", stats.transactions(), stats.committed(),
                        (double) stats.committed() / Math.max(1, stats.transactions()), stats.largestBatch(),
                        stats.failed(), stats.rejected());
                if (backend instanceof H2Backend h2) {
                    Path file = h2.dataDir().resolve("sori.mv.db");
                    System.out.printf(Locale.ROOT, "  H2 file: %,d bytes%n", Files.size(file));
                }
            }
        }
    }

    private record Result(long count, double seconds, long[] latencies) {
        double percentile(double p) {
            if (latencies.length == 0) {
                return 0;
            }
            int i = (int) Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1);
            return latencies[Math.max(0, i)] / 1e6;
        }
    }

    private static Result run(Storage storage, List<String> rooms, int producers, int window, int chars,
            int warmupSeconds, int seconds) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder count = new LongAdder();
        // Every 16th latency of each producer, enough for percentiles without a lock per ack.
        List<long[]> samples = new ArrayList<>();
        int[] sampleCounts = new int[producers];
        CountDownLatch done = new CountDownLatch(producers);
        String text = "x".repeat(chars);
        for (int p = 0; p < producers; p++) {
            int id = p;
            long[] mine = new long[1 << 20];
            samples.add(mine);
            Thread t = new Thread(() -> {
                ArrayDeque<CompletableFuture<Message>> inFlight = new ArrayDeque<>();
                ArrayDeque<Long> started = new ArrayDeque<>();
                long n = 0;
                try {
                    while (!stop.get()) {
                        while (inFlight.size() < window) {
                            String room = rooms.get(ThreadLocalRandom.current().nextInt(rooms.size()));
                            started.add(System.nanoTime());
                            inFlight.add(Appends.append(storage.messages(), Message.draft(room, "p" + id, "p" + id, "#000000", text, null, null)));
                        }
                        inFlight.poll().join();
                        long latency = System.nanoTime() - started.poll();
                        if (measuring.get()) {
                            count.increment();
                            if ((n++ & 15) == 0 && sampleCounts[id] < mine.length) {
                                mine[sampleCounts[id]++] = latency;
                            }
                        }
                    }
                    for (CompletableFuture<Message> f : inFlight) {
                        f.join();
                    }
                } finally {
                    done.countDown();
                }
            }, "producer-" + p);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(warmupSeconds * 1000L);
        long before = count.sum();
        long start = System.nanoTime();
        measuring.set(true);
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        long measured = count.sum() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        done.await();
        int total = Arrays.stream(sampleCounts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int p = 0; p < producers; p++) {
            System.arraycopy(samples.get(p), 0, all, k, sampleCounts[p]);
            k += sampleCounts[p];
        }
        Arrays.sort(all);
        return new Result(measured, elapsed, all);
    }

    private static int option(String[] args, String name, int fallback) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return Integer.parseInt(a.substring(name.length() + 1));
            }
        }
        return fallback;
    }
}
