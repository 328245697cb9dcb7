package dev.sori.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The building blocks of every scenario: open clients with a bounded number of handshakes in
 * flight, wait for the room to settle, and run a load phase at a fixed rate.
 */
final class Generator implements AutoCloseable {
    final URI url;
    /** Where client i connects: {@code urls[i mod size]} (several nodes of one cluster), else {@link #url}. */
    List<URI> urls;
    final long serverPid;
    /** When set, "server CPU" in a load phase is the sum over these processes, reported per group. */
    List<ProcStats.CpuGroup> cpuGroups = List.of();
    /** A Redis to read publish counters from during a load phase (-1: none). */
    int redisPort = -1;
    final Transport transport;
    final Run run = new Run();
    final List<BenchClient> clients = new ArrayList<>();
    /** Room members that are not ours (seen by the first client when it joined). */
    int baseCount = -1;
    /** Room members opened outside this generator's WebSocket clients (the stuck raw sockets). */
    int extraMembers;
    private int phases;

    Generator(URI url, long serverPid, Transport transport) {
        this.url = url;
        this.urls = List.of(url);
        this.serverPid = serverPid;
        this.transport = transport;
    }

    /**
     * Opens {@code n} clients with at most {@code inFlight} handshakes outstanding; a handshake
     * ends when {@code welcome} arrives. With {@code closeAfterWelcome} each client closes as
     * soon as it is welcomed (measures handshakes alone, without a growing room).
     */
    Map<String, Object> connect(int n, int inFlight, boolean closeAfterWelcome, long timeoutMillis)
            throws InterruptedException {
        if (baseCount < 0 && !closeAfterWelcome && n > 0) {
            // The first client alone: its own join announcement tells how many were there before us.
            baseCount = 0;
            connect(1, 1, false, timeoutMillis);
            if (!waitUntil(() -> clients.get(0).maxCount > 0, 10_000)) {
                throw new IllegalStateException("the first client saw no join announcement: " + run.samples());
            }
            baseCount = clients.get(0).maxCount - 1;
            n--;
        }
        run.handshakes.getIntervalHistogram(); // reset
        Semaphore slots = new Semaphore(inFlight);
        List<BenchClient> batch = new ArrayList<>(n);
        List<CompletableFuture<?>> done = new ArrayList<>(n);
        AtomicLong failures = new AtomicLong();
        ProcStats.Snapshot before = ProcStats.Snapshot.take(serverPid);
        long deadline = before.wallNanos() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        boolean timedOut = false;
        for (int i = 0; i < n; i++) {
            if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                timedOut = true;
                break;
            }
            BenchClient c = new BenchClient(clients.size(), run);
            clients.add(c);
            batch.add(c);
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    slots.release();
                }
            };
            c.connectStartNanos = System.nanoTime();
            CompletableFuture<Transport.Conn> opened = transport.connect(urls.get(c.index % urls.size()), c);
            opened.whenComplete((conn, failure) -> {
                if (failure != null) {
                    failures.incrementAndGet();
                    run.sample("connect failed: " + failure);
                    c.onError(failure);
                    release.run();
                } else {
                    c.conn = conn;
                }
            });
            c.welcomed.whenComplete((v, e) -> release.run());
            CompletableFuture<?> both = CompletableFuture.allOf(opened, c.welcomed);
            if (closeAfterWelcome) {
                both.thenRun(() -> c.conn.close());
            }
            done.add(both.handle((v, e) -> null));
        }
        try {
            CompletableFuture.allOf(done.toArray(new CompletableFuture<?>[0]))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            timedOut = true;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        long welcomed = batch.stream().filter(c -> c.welcomeNanos != 0).count();
        long lastWelcome = batch.stream().mapToLong(c -> c.welcomeNanos).max().orElse(before.wallNanos());
        ProcStats.Snapshot after = ProcStats.Snapshot.take(serverPid);
        double seconds = (lastWelcome - before.wallNanos()) / 1e9;
        Histogram h = run.handshakes.getIntervalHistogram();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        r.put("inFlight", inFlight);
        r.put("closeAfterWelcome", closeAfterWelcome);
        r.put("welcomed", welcomed);
        r.put("failed", failures.get());
        r.put("timedOut", timedOut);
        r.put("seconds", seconds);
        r.put("handshakesPerSecond", welcomed / Math.max(seconds, 1e-9));
        r.put("handshakeMillis", percentiles(h));
        r.put("serverCpuMillis", (after.serverCpuNanos() - before.serverCpuNanos()) / 1e6);
        r.put("generatorCpuMillis", (after.selfCpuNanos() - before.selfCpuNanos()) / 1e6);
        r.put("serverCpuMicrosPerHandshake",
                (after.serverCpuNanos() - before.serverCpuNanos()) / 1e3 / Math.max(welcomed, 1));
        // A fresh JVM's first handshakes pay for its compiler threads too: how much of the above.
        r.put("serverJitCpuMicrosPerHandshake",
                (after.serverJitNanos() - before.serverJitNanos()) / 1e3 / Math.max(welcomed, 1));
        return r;
    }

    /** Open clients (ours) in the room. */
    List<BenchClient> openClients() {
        List<BenchClient> open = new ArrayList<>();
        for (BenchClient c : clients) {
            if (c.open()) {
                open.add(c);
            }
        }
        return open;
    }

    /**
     * Waits until every open client has seen a {@code system} count of at least {@code count};
     * returns the nanoTime when that happened, or -1 on timeout.
     */
    long awaitSettled(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (BenchClient c : clients) {
                if (!c.closed && c.maxCount < count) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return System.nanoTime();
            }
            Thread.sleep(5);
        }
        return -1;
    }

    /** How many of our clients have not yet seen {@code count}. */
    long unsettled(int count) {
        return clients.stream().filter(c -> !c.closed && c.maxCount < count).count();
    }

    /**
     * A load phase: {@code senders} post {@code msgRate} messages per second in all, round
     * robin, each stamped with its scheduled send time. Latencies are recorded for messages
     * scheduled in the measured window (after the warm-up); CPU and deliveries are counted over
     * the same window. Then waits up to {@code drainSeconds} for every message to arrive.
     */
    Map<String, Object> load(List<BenchClient> senders, double msgRate, double warmupSeconds, double measureSeconds,
                             double drainSeconds, int padChars) throws InterruptedException {
        String tag = "b:" + (++phases) + ":";
        for (BenchClient c : clients) {
            c.resetPhase();
        }
        run.tag = tag;
        run.latency.getIntervalHistogram(); // discard
        long closes1013Before = run.closes1013.sum();
        long closesOtherBefore = run.closesOther.sum();
        int openBefore = openClients().size();
        String pad = padChars > 0 ? ":" + "x".repeat(padChars) : "";

        long start = System.nanoTime() + 100_000_000L;
        long warm = (long) (warmupSeconds * 1e9);
        long measure = (long) (measureSeconds * 1e9);
        run.windowStart = start + warm;
        run.windowEnd = start + warm + measure;
        long total = (long) Math.floor((warmupSeconds + measureSeconds) * msgRate);
        double period = 1e9 / msgRate;
        AtomicLong maxSendLagNanos = new AtomicLong();
        AtomicLong sentCount = new AtomicLong();
        Thread sender = new Thread(() -> {
            for (long k = 0; k < total; k++) {
                long scheduled = start + (long) (k * period);
                long wait;
                while ((wait = scheduled - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                long lag = -wait;
                if (lag > maxSendLagNanos.get()) {
                    maxSendLagNanos.set(lag);
                }
                BenchClient s = senders.get((int) (k % senders.size()));
                if (!s.open()) {
                    continue;
                }
                s.send("{\"type\":\"new_message\",\"payload\":\"" + tag + s.index + ":" + k + ":" + scheduled + pad
                        + "\",\"id\":\"" + k + "\"}");
                sentCount.incrementAndGet();
            }
        }, "bench-sender");
        sender.setDaemon(true);
        sender.start();

        sleepUntil(run.windowStart);
        run.latencySameNode.getIntervalHistogram(); // discard
        run.latencyOtherNode.getIntervalHistogram();
        List<List<Long>> groupPids = new ArrayList<>();
        for (ProcStats.CpuGroup group : cpuGroups) {
            groupPids.add(group.pids().get());
        }
        List<long[][]> groupsA = new ArrayList<>();
        for (List<Long> pids : groupPids) {
            groupsA.add(ProcStats.cpuOf(pids));
        }
        java.util.Map<String, Long> redisA = redisPort > 0 ? ProcStats.redisInfo(redisPort) : null;
        ProcStats.Snapshot a = ProcStats.Snapshot.take(serverPid);
        long deliveredA = delivered();
        long[] gcA = gcCountAndMillis();
        long rssMax = ProcStats.rssKiB(serverPid);
        long rssStart = rssMax;
        List<Long> rssTimeline = new ArrayList<>();
        rssTimeline.add(rssStart);
        // Each second: the server's RSS, and the latencies received in that second (by receive time).
        Histogram all = new Histogram(3);
        List<Object> latencyTimeline = new ArrayList<>();
        while (System.nanoTime() < run.windowEnd) {
            sleepUntil(Math.min(run.windowEnd, System.nanoTime() + 1_000_000_000L));
            long rss = ProcStats.rssKiB(serverPid);
            rssMax = Math.max(rssMax, rss);
            rssTimeline.add(rss);
            Histogram second = run.latency.getIntervalHistogram();
            all.add(second);
            latencyTimeline.add(List.of(second.getTotalCount(), second.getValueAtPercentile(99) / 1000.0,
                    second.getMaxValue() / 1000.0));
        }
        ProcStats.Snapshot b = ProcStats.Snapshot.take(serverPid);
        long deliveredB = delivered();
        List<long[][]> groupsB = new ArrayList<>();
        for (List<Long> pids : groupPids) {
            groupsB.add(ProcStats.cpuOf(pids));
        }
        java.util.Map<String, Long> redisB = redisPort > 0 ? ProcStats.redisInfo(redisPort) : null;
        Histogram sameNode = run.latencySameNode.getIntervalHistogram();
        Histogram otherNode = run.latencyOtherNode.getIntervalHistogram();
        long[] gcB = gcCountAndMillis();
        sender.join();
        long sent = sentCount.get();

        // Drain: every open client should get every message that was not refused. Waits while
        // deliveries still arrive, until none has for drainSeconds (late is not lost).
        long drainDeadline = System.nanoTime() + (long) (drainSeconds * 1e9);
        long lastDelivered = -1;
        long expectedPerClient;
        while (true) {
            long now = delivered();
            if (now != lastDelivered) {
                lastDelivered = now;
                drainDeadline = System.nanoTime() + (long) (drainSeconds * 1e9);
            }
            long refused = senders.stream().mapToLong(c -> c.errors).sum();
            expectedPerClient = sent - refused;
            long acked = senders.stream().mapToLong(c -> c.acks).sum();
            boolean complete = acked + refused >= sent;
            for (BenchClient c : clients) {
                if (!c.closed && c.conn != null && c.benchReceived < expectedPerClient) {
                    complete = false;
                    break;
                }
            }
            if (complete || System.nanoTime() > drainDeadline) {
                break;
            }
            Thread.sleep(10);
        }
        long drainedAt = System.nanoTime();
        Histogram h = run.latency.getIntervalHistogram();
        h.add(all);

        List<BenchClient> open = openClients();
        long received = 0;
        long lost = 0;
        long gaps = 0;
        long backwards = 0;
        for (BenchClient c : open) {
            received += c.benchReceived;
            lost += Math.max(0, expectedPerClient - c.benchReceived);
            gaps += c.seqGaps;
            backwards += c.seqBackwards;
        }
        long acked = senders.stream().mapToLong(c -> c.acks).sum();
        long refused = senders.stream().mapToLong(c -> c.errors).sum();
        double window = (b.wallNanos() - a.wallNanos()) / 1e9;
        long deliveries = deliveredB - deliveredA;
        long serverCpu = b.serverCpuNanos() - a.serverCpuNanos();
        long selfCpu = b.selfCpuNanos() - a.selfCpuNanos();
        int members = open.size() + Math.max(baseCount, 0) + extraMembers;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("members", members);
        r.put("senders", senders.size());
        r.put("offeredMessagesPerSecond", msgRate);
        r.put("offeredDeliveriesPerSecond", msgRate * (openBefore + Math.max(baseCount, 0) + extraMembers));
        r.put("warmupSeconds", warmupSeconds);
        r.put("measuredSeconds", window);
        r.put("deliveriesPerSecond", deliveries / window);
        r.put("latencyMillis", percentiles(h));
        r.put("latencyPerSecond[count,p99,max]", latencyTimeline);
        r.put("messagesSent", sent);
        r.put("messagesNotSent", total - sent);
        r.put("messagesAcked", acked);
        r.put("messagesRefused", refused);
        r.put("deliveriesExpected", expectedPerClient * open.size());
        r.put("deliveriesReceived", received);
        r.put("lost", lost);
        r.put("seqGaps", gaps);
        r.put("seqOutOfOrder", backwards);
        r.put("drainMillis", (drainedAt - Math.max(run.windowEnd, start)) / 1e6);
        r.put("closedWith1013", run.closes1013.sum() - closes1013Before);
        r.put("closedOtherwise", run.closesOther.sum() - closesOtherBefore);
        r.put("maxSendLagMillis", maxSendLagNanos.get() / 1e6);
        r.put("serverCpuMicrosPerDelivery", deliveries > 0 && serverCpu >= 0 ? serverCpu / 1e3 / deliveries : null);
        r.put("serverSystemCpuMicrosPerDelivery",
                deliveries > 0 && serverCpu >= 0 ? (b.serverSysNanos() - a.serverSysNanos()) / 1e3 / deliveries : null);
        r.put("serverCpuPercentOfOneCore", serverCpu >= 0 ? 100.0 * serverCpu / (window * 1e9) : null);
        // Included in serverCpuMicrosPerDelivery: the part of it the JIT's compiler threads spent.
        r.put("serverJitCpuMicrosPerDelivery",
                deliveries > 0 ? (b.serverJitNanos() - a.serverJitNanos()) / 1e3 / deliveries : null);
        r.put("generatorCpuMicrosPerDelivery", deliveries > 0 ? selfCpu / 1e3 / deliveries : null);
        r.put("generatorSystemCpuMicrosPerDelivery",
                deliveries > 0 ? (b.selfSysNanos() - a.selfSysNanos()) / 1e3 / deliveries : null);
        r.put("generatorCpuPercentOfOneCore", 100.0 * selfCpu / (window * 1e9));
        r.put("generatorGcCount", gcB[0] - gcA[0]);
        r.put("generatorGcMillis", gcB[1] - gcA[1]);
        r.put("serverRssKiBStart", rssStart);
        r.put("serverRssKiBMax", rssMax);
        r.put("serverRssKiBTimeline", rssTimeline);
        if (run.nodes > 1) {
            r.put("nodes", run.nodes);
            r.put("latencyMillisSenderOnSameNode", percentiles(sameNode));
            r.put("latencyMillisSenderOnOtherNode", percentiles(otherNode));
        }
        if (!cpuGroups.isEmpty()) {
            cpuByGroup(r, groupPids, groupsA, groupsB, deliveries, window);
        }
        if (redisA != null && redisB != null) {
            r.put("redis", redisFigures(redisA, redisB, deliveries, (long) (window * msgRate)));
        }
        r.put("loadAverage", ProcStats.loadAverage());
        return r;
    }

    /** CPU of each group of processes over the window, and their sum: the cluster's cost per delivery. */
    private void cpuByGroup(Map<String, Object> r, List<List<Long>> pids, List<long[][]> a, List<long[][]> b,
                            long deliveries, double window) {
        Map<String, Object> groups = new LinkedHashMap<>();
        long total = 0;
        long totalSys = 0;
        long totalJit = 0;
        for (int g = 0; g < cpuGroups.size(); g++) {
            long[] spent = ProcStats.spentBetween(a.get(g), b.get(g));
            long cpu = spent[0];
            long sys = spent[1];
            long jit = spent[2];
            total += cpu;
            totalSys += sys;
            totalJit += jit;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pids", pids.get(g));
            m.put("cpuMicrosPerDelivery", deliveries > 0 ? cpu / 1e3 / deliveries : null);
            m.put("systemCpuMicrosPerDelivery", deliveries > 0 ? sys / 1e3 / deliveries : null);
            m.put("jitCpuMicrosPerDelivery", deliveries > 0 ? jit / 1e3 / deliveries : null);
            m.put("cpuPercentOfOneCore", 100.0 * cpu / (window * 1e9));
            groups.put(cpuGroups.get(g).name(), m);
        }
        r.put("cpuByProcessGroup", groups);
        // "The server" is all of these processes: the cluster's cost is what the figures compare.
        r.put("serverCpuIs", "the sum of cpuByProcessGroup");
        r.put("serverCpuMicrosPerDelivery", deliveries > 0 ? total / 1e3 / deliveries : null);
        r.put("serverSystemCpuMicrosPerDelivery", deliveries > 0 ? totalSys / 1e3 / deliveries : null);
        r.put("serverJitCpuMicrosPerDelivery", deliveries > 0 ? totalJit / 1e3 / deliveries : null);
        r.put("serverCpuPercentOfOneCore", 100.0 * total / (window * 1e9));
        r.put("totalCpuMicrosPerDelivery", deliveries > 0 ? total / 1e3 / deliveries : null);
        r.put("totalSystemCpuMicrosPerDelivery", deliveries > 0 ? totalSys / 1e3 / deliveries : null);
        r.put("totalCpuPercentOfOneCore", 100.0 * total / (window * 1e9));
    }

    /** What went through Redis in the window: bytes in (publishes, heartbeats) and out (to subscribers). */
    private static Map<String, Object> redisFigures(Map<String, Long> a, Map<String, Long> b, long deliveries,
                                                    long messages) {
        Map<String, Object> m = new LinkedHashMap<>();
        long in = b.getOrDefault("total_net_input_bytes", 0L) - a.getOrDefault("total_net_input_bytes", 0L);
        long out = b.getOrDefault("total_net_output_bytes", 0L) - a.getOrDefault("total_net_output_bytes", 0L);
        long publishes = b.getOrDefault("cmdstat_publish.calls", 0L) - a.getOrDefault("cmdstat_publish.calls", 0L);
        m.put("inputBytes", in);
        m.put("outputBytes", out);
        m.put("publishes", publishes);
        m.put("inputBytesPerDelivery", deliveries > 0 ? (double) in / deliveries : null);
        m.put("outputBytesPerDelivery", deliveries > 0 ? (double) out / deliveries : null);
        m.put("inputBytesPerMessage", messages > 0 ? (double) in / messages : null);
        m.put("publishesPerMessage", messages > 0 ? (double) publishes / messages : null);
        return m;
    }

    /** The generator's own garbage collections so far: count and milliseconds. */
    static long[] gcCountAndMillis() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory
                .getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    long delivered() {
        long sum = 0;
        for (BenchClient c : clients) {
            sum += c.benchReceived;
        }
        return sum;
    }

    static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("p50", h.getValueAtPercentile(50) / 1000.0);
        m.put("p90", h.getValueAtPercentile(90) / 1000.0);
        m.put("p99", h.getValueAtPercentile(99) / 1000.0);
        m.put("p99.9", h.getValueAtPercentile(99.9) / 1000.0);
        m.put("max", h.getMaxValue() / 1000.0);
        m.put("mean", h.getMean() / 1000.0);
        return m;
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000L));
        }
    }

    static boolean waitUntil(java.util.function.BooleanSupplier condition, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public void close() {
        for (BenchClient c : clients) {
            if (c.conn != null) {
                try {
                    c.conn.abort();
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
        transport.close();
    }
}
