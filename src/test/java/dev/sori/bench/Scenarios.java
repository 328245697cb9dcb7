package dev.sori.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The scenarios of issue 6, built from {@link Generator}'s parts. Each returns its figures. */
final class Scenarios {
    private Scenarios() {
    }

    /** N clients with a bounded number of handshakes in flight: handshakes per second. */
    static Map<String, Object> connect(Options o, Generator g, int n) throws InterruptedException {
        if (o.get("mode", "hold").equals("raw")) {
            return rawConnect(o, g, n);
        }
        boolean churn = o.get("mode", "hold").equals("churn");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        r.put("mode", churn ? "churn (each client closes right after welcome)" : "hold (clients stay connected)");
        Map<String, Object> c = g.connect(n, o.getInt("in-flight", 64), churn, o.getLong("settle-timeout", 600) * 1000);
        r.putAll(c);
        if (!churn) {
            long t = g.awaitSettled(g.baseCount + n, o.getLong("settle-timeout", 600) * 1000);
            r.put("roomSettled", t > 0);
        }
        return r;
    }

    /**
     * Handshakes from plain sockets on {@code --in-flight} threads: connect, upgrade, read
     * {@code welcome}, close the socket. The generator's share of the work is as small as it gets,
     * so the figure is the server's; the room stays as small as the handshakes in flight.
     */
    static Map<String, Object> rawConnect(Options o, Generator g, int n) throws InterruptedException {
        int threads = o.getInt("in-flight", 64);
        // --seconds S: handshakes for S seconds instead of N of them (issue 19's "first minute"),
        // counted per 10 s window, so the JIT's progress shows.
        double forSeconds = o.getDouble("seconds", 0);
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
        org.HdrHistogram.Recorder times = new org.HdrHistogram.Recorder(3);
        ProcStats.Snapshot before = ProcStats.Snapshot.take(g.serverPid);
        long end = before.wallNanos() + (long) (forSeconds * 1e9);
        java.util.concurrent.atomic.AtomicLongArray perWindow =
                new java.util.concurrent.atomic.AtomicLongArray(Math.max(1, (int) Math.ceil(forSeconds / 10)));
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                while (forSeconds > 0 ? System.nanoTime() < end : next.getAndIncrement() < n) {
                    long t0 = System.nanoTime();
                    try (StuckClient c = new StuckClient(g.url, 65536, socketIo(o))) {
                        String first = c.readTextFrame();
                        if (!first.contains("\"welcome\"")) {
                            throw new IOException("first frame was not welcome: " + first);
                        }
                        long now = System.nanoTime();
                        times.recordValue((now - t0) / 1000);
                        int window = (int) ((now - before.wallNanos()) / 10_000_000_000L);
                        if (window < perWindow.length()) {
                            perWindow.incrementAndGet(window);
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        g.run.sample("raw handshake failed: " + e);
                    }
                }
            }, "raw-connect-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        ProcStats.Snapshot after = ProcStats.Snapshot.take(g.serverPid);
        org.HdrHistogram.Histogram h = times.getIntervalHistogram();
        double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", forSeconds > 0 ? h.getTotalCount() : n);
        r.put("mode", "raw (plain sockets: connect, upgrade, read welcome, close)");
        if (forSeconds > 0) {
            List<Double> rates = new ArrayList<>();
            for (int i = 0; i < perWindow.length(); i++) {
                rates.add(perWindow.get(i) / Math.min(10.0, forSeconds - 10.0 * i));
            }
            r.put("forSeconds", forSeconds);
            r.put("handshakesPerSecondPer10s", rates);
        }
        r.put("inFlight", threads);
        r.put("welcomed", h.getTotalCount());
        r.put("failed", failures.get());
        r.put("seconds", seconds);
        r.put("handshakesPerSecond", h.getTotalCount() / seconds);
        r.put("handshakeMillis", Generator.percentiles(h));
        r.put("serverCpuMillis", (after.serverCpuNanos() - before.serverCpuNanos()) / 1e6);
        r.put("generatorCpuMillis", (after.selfCpuNanos() - before.selfCpuNanos()) / 1e6);
        r.put("serverCpuMicrosPerHandshake",
                (after.serverCpuNanos() - before.serverCpuNanos()) / 1e3 / Math.max(1, h.getTotalCount()));
        r.put("serverJitCpuMicrosPerHandshake",
                (after.serverJitNanos() - before.serverJitNanos()) / 1e3 / Math.max(1, h.getTotalCount()));
        return r;
    }

    private static boolean socketIo(Options o) {
        return Bench.wire(o).equals("socketio");
    }

    /** N clients join one room; how long until every one of them has seen the final count. */
    static Map<String, Object> joinStorm(Options o, Generator g, int n) throws InterruptedException {
        long timeout = o.getLong("settle-timeout", 600) * 1000;
        List<List<Long>> groupPids = new ArrayList<>();
        List<long[][]> groupsBefore = new ArrayList<>();
        for (ProcStats.CpuGroup group : g.cpuGroups) {
            List<Long> pids = group.pids().get();
            groupPids.add(pids);
            groupsBefore.add(ProcStats.cpuOf(pids));
        }
        ProcStats.Snapshot before = ProcStats.Snapshot.take(g.serverPid);
        Map<String, Object> c = g.connect(n, o.getInt("in-flight", 64), false, timeout);
        long connectedAt = System.nanoTime();
        int target = g.baseCount + n;
        long settledAt = g.awaitSettled(target, Math.max(1000, timeout - (connectedAt - before.wallNanos()) / 1_000_000));
        ProcStats.Snapshot after = ProcStats.Snapshot.take(g.serverPid);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        r.put("finalCount", target);
        r.put("connectSeconds", (connectedAt - before.wallNanos()) / 1e9);
        r.put("settled", settledAt > 0);
        r.put("settleSeconds", settledAt > 0 ? (settledAt - before.wallNanos()) / 1e9 : null);
        r.put("unsettledClients", g.unsettled(target));
        long system = 0;
        long coalesced = 0;
        for (BenchClient b : g.clients) {
            system += b.systemFrames;
            coalesced += b.coalescedFrames;
        }
        r.put("systemFramesReceived", system);
        r.put("coalescedFramesReceived", coalesced);
        r.put("systemFramesIfUncoalesced", (long) n * (n + 1) / 2 + (long) g.baseCount * n);
        r.put("closedWith1013", g.run.closes1013.sum());
        r.put("closedOtherwise", g.run.closesOther.sum());
        r.put("serverCpuSeconds", (after.serverCpuNanos() - before.serverCpuNanos()) / 1e9);
        if (!g.cpuGroups.isEmpty()) { // a cluster: every node, Redis and the database's backends
            Map<String, Object> byGroup = new LinkedHashMap<>();
            double total = 0;
            for (int i = 0; i < groupPids.size(); i++) {
                long cpu = ProcStats.spentBetween(groupsBefore.get(i), ProcStats.cpuOf(groupPids.get(i)))[0];
                byGroup.put(g.cpuGroups.get(i).name(), cpu / 1e9);
                total += cpu / 1e9;
            }
            r.put("cpuSecondsByProcessGroup", byGroup);
            r.put("clusterCpuSeconds", total);
        }
        r.put("generatorCpuSeconds", (after.selfCpuNanos() - before.selfCpuNanos()) / 1e9);
        r.put("serverCpuMicrosPerSystemFrame",
                system > 0 ? (after.serverCpuNanos() - before.serverCpuNanos()) / 1e3 / system : null);
        r.put("connect", c);
        r.put("serverRssKiB", ProcStats.rssKiB(g.serverPid));
        return r;
    }

    /** Opens N more clients and lets the room settle; the result of the join goes into {@code r}. */
    private static void openRoom(Options o, Generator g, int n, Map<String, Object> r) throws InterruptedException {
        long timeout = o.getLong("settle-timeout", 600) * 1000;
        long t0 = System.nanoTime();
        Map<String, Object> c = g.connect(n, o.getInt("in-flight", 64), false, timeout);
        int members = g.baseCount + g.clients.size();
        long settledAt = g.awaitSettled(members, timeout);
        c.put("settleSeconds", settledAt > 0 ? (settledAt - t0) / 1e9 : null);
        r.put("join", c);
        if (settledAt < 0) {
            throw new IllegalStateException("the room did not settle: " + g.unsettled(members)
                    + " clients have not seen count " + members + "; " + g.run.samples());
        }
        Thread.sleep(o.getLong("quiet-ms", 1000));
    }

    private static List<BenchClient> senders(Generator g, int s) {
        List<BenchClient> open = g.openClients();
        return new ArrayList<>(open.subList(0, Math.min(s, open.size())));
    }

    /** N clients in one room, S of them posting at a fixed total rate. */
    static Map<String, Object> fanout(Options o, Generator g, int n) throws InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        openRoom(o, g, n, r);
        int members = g.baseCount + n;
        double rate = o.getDouble("rate", 40_000);
        double msgRate = o.has("msg-rate") ? o.getDouble("msg-rate", 20) : rate / members;
        if (o.has("jfr")) {
            // A profile of the measured window: JFR starts after the warm-up (jcmd attaches before the load).
            long delayMs = (long) (o.getDouble("warmup", 5) * 1000) + 100;
            List<String> out = ProcStats.jcmd(g.serverPid, "JFR.start", "name=bench", "settings=profile",
                    "delay=" + delayMs + "ms", "duration=" + (long) (o.getDouble("duration", 20) * 1000) + "ms",
                    "filename=" + Paths.get(o.get("jfr", "")).toAbsolutePath());
            r.put("jfr", String.join(" ", out).trim());
        }
        Map<String, Object> phase = g.load(senders(g, o.getInt("senders", 10)), msgRate, o.getDouble("warmup", 5),
                o.getDouble("duration", 20), o.getDouble("drain", 10), o.getInt("pad", 0));
        r.putAll(phase);
        r.put("targets", targets(phase, o.getDouble("p99-target", 50), 3.0));
        return r;
    }

    private static Map<String, Object> targets(Map<String, Object> phase, double p99Ms, double cpuUs) {
        Map<String, Object> t = new LinkedHashMap<>();
        double p99 = p99(phase);
        Object cpu = phase.get("serverCpuMicrosPerDelivery");
        t.put("p99Millis<=" + p99Ms, p99 <= p99Ms);
        t.put("serverCpuMicrosPerDelivery<=" + cpuUs, cpu instanceof Number c && c.doubleValue() <= cpuUs);
        t.put("nothingLost", ((Number) phase.get("lost")).longValue() == 0
                && ((Number) phase.get("seqGaps")).longValue() == 0);
        return t;
    }

    @SuppressWarnings("unchecked")
    static double p99(Map<String, Object> phase) {
        Object p = ((Map<String, Object>) phase.get("latencyMillis")).get("p99");
        return p instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /**
     * N idle connections: the server's RSS (and live heap) per connection, two ways. <em>Whole</em>:
     * from the fresh server to N connections, so it also carries one-time costs (the JIT's code
     * and arenas, the young generation's first touch). <em>Marginal</em>: from N/2 to N
     * connections, the cost of one more connection once the server is running, which is how
     * per-connection memory is usually quoted.
     */
    static Map<String, Object> memory(Options o, Generator g, int n) throws InterruptedException {
        long pid = g.serverPid;
        if (pid <= 0) {
            throw new IllegalArgumentException("the memory scenario needs --pid");
        }
        boolean heap = o.getBoolean("heap", true);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        Map<String, Object> start = memoryPoint(o, pid, heap, 0);
        openRoom(o, g, n / 2, new LinkedHashMap<>());
        Thread.sleep(o.getLong("idle-ms", 3000));
        Map<String, Object> half = memoryPoint(o, pid, heap, g.openClients().size());
        openRoom(o, g, n - n / 2, r);
        Thread.sleep(o.getLong("idle-ms", 3000));
        Map<String, Object> full = memoryPoint(o, pid, heap, g.openClients().size());
        r.put("openConnections", full.get("connections"));
        r.put("points", List.of(start, half, full));
        perConnection(r, "", start, full, heap);
        perConnection(r, "Marginal", half, full, heap);
        long longIdleMs = o.getLong("long-idle-ms", 0);
        if (longIdleMs > 0) {
            // The same N connections after a longer quiet spell: what a collector gives back once a
            // server has been idle (G1's periodic collection, V8's idle-time GC) is RSS the server
            // no longer holds for them.
            Thread.sleep(longIdleMs);
            long rss = ProcStats.rssKiB(pid);
            r.put("longIdleMs", longIdleMs);
            r.put("rssKiBLongIdle", rss);
            r.put("rssKiBPerConnectionLongIdle",
                    (rss - ((Number) start.get("rssKiB")).doubleValue()) / ((Number) full.get("connections")).intValue());
        }
        r.put("serverThreads", ProcStats.threads(pid));
        r.put("closedWith1013", g.run.closes1013.sum());
        return r;
    }

    /** The server's RSS, then its live heap (a full GC), then its RSS again. */
    private static Map<String, Object> memoryPoint(Options o, long pid, boolean heap, int connections) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("connections", connections);
        p.put("rssKiB", ProcStats.rssKiB(pid));
        if (heap) {
            p.put("liveHeapBytes", ProcStats.liveHeapBytes(pid));
        }
        p.put("rssKiBAfterGc", ProcStats.rssKiB(pid));
        return p;
    }

    private static void perConnection(Map<String, Object> r, String suffix, Map<String, Object> from,
                                      Map<String, Object> to, boolean heap) {
        double added = ((Number) to.get("connections")).intValue() - ((Number) from.get("connections")).intValue();
        r.put("rssKiBPerConnection" + suffix, delta(from, to, "rssKiB") / added);
        r.put("rssKiBPerConnection" + suffix + "AfterGc", delta(from, to, "rssKiBAfterGc") / added);
        if (heap) {
            r.put("liveHeapKiBPerConnection" + suffix, delta(from, to, "liveHeapBytes") / 1024.0 / added);
        }
    }

    private static double delta(Map<String, Object> from, Map<String, Object> to, String key) {
        return ((Number) to.get(key)).doubleValue() - ((Number) from.get(key)).doubleValue();
    }

    /**
     * K clients that never read among N. Phase A: N reading clients. Phase B: the same N−K
     * readers plus K raw sockets that stop reading after the handshake. Latency is recorded for
     * the N−K common readers in both phases, so the comparison is like for like. With
     * {@code --rounds R} the A/B pair runs R times (fresh extra clients and stuck sockets each
     * time) and the medians are compared, which matters on a noisy machine.
     */
    static Map<String, Object> stuck(Options o, Generator g, int n) throws Exception {
        int k = o.getInt("stuck", 10);
        int rounds = o.getInt("rounds", 1);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        r.put("stuck", k);
        openRoom(o, g, n - k, r);
        List<BenchClient> readers = g.openClients();
        List<BenchClient> senders = senders(g, o.getInt("senders", 10));
        double rate = o.getDouble("rate", 40_000);
        double msgRate = rate / (g.baseCount + n);
        double warmup = o.getDouble("warmup", 5);
        double duration = o.getDouble("duration", 60);
        double drain = o.getDouble("drain", 10);
        int pad = o.getInt("pad", 0);
        int full = g.baseCount + n;

        List<Map<String, Object>> without = new ArrayList<>();
        List<Map<String, Object>> with = new ArrayList<>();
        List<Map<String, Object>> ends = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            // Phase A: K more clients that do read.
            int before = g.clients.size();
            g.connect(k, k, false, 60_000);
            List<BenchClient> extras = new ArrayList<>(g.clients.subList(before, g.clients.size()));
            extras.forEach(c -> c.record = false);
            Generator.waitUntil(() -> readers.stream().allMatch(c -> c.closed || c.lastCount >= full), 60_000);
            Thread.sleep(1000);
            without.add(g.load(senders, msgRate, warmup, duration, drain, pad));
            for (BenchClient c : extras) {
                c.conn.abort();
                c.closed = true;
            }
            Thread.sleep(2000);

            // Phase B: K clients that never read.
            List<StuckClient> stuck = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                stuck.add(new StuckClient(g.url, o.getInt("rcvbuf", 4096), socketIo(o)));
            }
            g.extraMembers = k;
            Generator.waitUntil(() -> readers.stream().allMatch(c -> c.closed || c.lastCount >= full), 60_000);
            Thread.sleep(1000);
            with.add(g.load(senders, msgRate, warmup, duration, drain, pad));
            // How did the stuck ones end? Read what piled up, then let them go.
            for (StuckClient s : stuck) {
                ends.add(s.inspect(o.getInt("inspect-ms", 3000)));
                s.close();
            }
            g.extraMembers = 0;
            Thread.sleep(2000);
        }
        r.put("withoutStuck", without);
        r.put("withStuck", with);
        double pa = median(without.stream().mapToDouble(Scenarios::p99).toArray());
        double pb = median(with.stream().mapToDouble(Scenarios::p99).toArray());
        r.put("p99MillisWithoutEachRound", without.stream().map(Scenarios::p99).toList());
        r.put("p99MillisWithEachRound", with.stream().map(Scenarios::p99).toList());
        r.put("p99MillisWithout", pa);
        r.put("p99MillisWith", pb);
        r.put("p99Change", (pb - pa) / pa);
        r.put("p99WithinTenPercent", pb <= pa * 1.10);
        r.put("lostWithout", without.stream().mapToLong(m -> ((Number) m.get("lost")).longValue()).sum());
        r.put("lostWith", with.stream().mapToLong(m -> ((Number) m.get("lost")).longValue()).sum());
        r.put("rssKiBMaxWithout", without.stream().mapToLong(m -> ((Number) m.get("serverRssKiBMax")).longValue()).max().orElse(-1));
        r.put("rssKiBMaxWith", with.stream().mapToLong(m -> ((Number) m.get("serverRssKiBMax")).longValue()).max().orElse(-1));
        r.put("stuckClients", ends);
        r.put("stuckCloseCodes", ends.stream().collect(java.util.stream.Collectors.groupingBy(
                e -> String.valueOf(e.get("closeCode")), LinkedHashMap::new, java.util.stream.Collectors.counting())));
        r.put("stuckClosedWith1013", ends.stream().filter(e -> Integer.valueOf(1013).equals(e.get("closeCode"))).count());
        if (o.has("server-log")) {
            try {
                List<String> log = Files.readAllLines(Paths.get(o.get("server-log", "")));
                r.put("serverLogSlowClientLines", log.stream().filter(l -> l.contains("slow client")).count());
                r.put("serverLogPingTimeoutLines", log.stream().filter(l -> l.contains("ping timeout")).count());
            } catch (IOException e) {
                r.put("serverLog", "unreadable: " + e.getMessage());
            }
        }
        return r;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length == 0 ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The same room, rate stepped up until p99 passes the limit or anything is lost. */
    static Map<String, Object> ceiling(Options o, Generator g, int n) throws InterruptedException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("clients", n);
        openRoom(o, g, n, r);
        int members = g.baseCount + n;
        double limit = o.getDouble("p99-limit", 100);
        double maxSenderRate = o.getDouble("max-sender-rate", 18);
        int minSenders = o.getInt("senders", 10);
        List<Map<String, Object>> steps = new ArrayList<>();
        Map<String, Object> lastGood = null;
        int afterFail = o.getInt("after-fail", 2); // steps drawn past the first failure, for the chart
        int retries = o.getInt("retries", 1); // a step that fails on latency alone is run again
        boolean failed = false;
        List<Double> rates = o.getDoubles("rates",
                "10000,20000,40000,60000,80000,120000,160000,200000,240000,280000,320000,400000,480000,560000,640000,800000");
        double warmPhase = o.getDouble("warm-phase", 10);
        if (warmPhase > 0) { // the first load after a join storm is not representative: discard it
            g.load(senders(g, minSenders), rates.get(0) / members, 0, warmPhase, o.getDouble("drain", 10), 0);
            Thread.sleep(1000);
        }
        for (double rate : rates) {
            double msgRate = rate / members;
            int s = Math.max(minSenders, (int) Math.ceil(msgRate / maxSenderRate));
            Map<String, Object> step = null;
            boolean ok = false;
            List<Object> attempts = new ArrayList<>();
            for (int attempt = 0; attempt <= retries && !ok; attempt++) {
                if (step != null) {
                    attempts.add(stepLine(step));
                    System.out.println("  (again: " + stepLine(step) + ")");
                    if (((Number) step.get("lost")).longValue() > 0
                            || ((Number) step.get("closedWith1013")).longValue() > 0) {
                        break;
                    }
                    Thread.sleep(2000);
                }
                step = g.load(senders(g, s), msgRate, o.getDouble("warmup", 3), o.getDouble("duration", 10),
                        o.getDouble("drain", 10), o.getInt("pad", 0));
                ok = p99(step) <= limit && ((Number) step.get("lost")).longValue() == 0
                        && ((Number) step.get("closedWith1013")).longValue() == 0
                        && ((Number) step.get("closedOtherwise")).longValue() == 0;
            }
            step.put("ok", ok);
            step.put("earlierAttempts", attempts);
            steps.add(step);
            System.out.println(stepLine(step));
            boolean broken = ((Number) step.get("lost")).longValue() > 0
                    || ((Number) step.get("closedWith1013")).longValue() > 0
                    || ((Number) step.get("closedOtherwise")).longValue() > 0 || p99(step) > 20 * limit;
            if (!ok) {
                failed = true;
            } else if (!failed) {
                lastGood = step;
            }
            if (broken || (failed && afterFail-- <= 0)) {
                break;
            }
            Thread.sleep(1000);
        }
        r.put("p99LimitMillis", limit);
        r.put("steps", steps);
        r.put("lastGoodStep", lastGood);
        return r;
    }

    /**
     * The fan-out room spread over the nodes of one cluster ({@code --urls}): the rate stepped up
     * as in {@link #ceiling}, with the CPU of every process of the cluster summed; then, unless
     * {@code --failures false}, a Redis restart under load and a node's {@code kill -9} (last: it
     * takes a node away).
     */
    static Map<String, Object> cluster(Options o, Generator g, int n) throws InterruptedException {
        if (g.urls.size() < 2) {
            throw new IllegalArgumentException("the cluster scenario needs --urls with two nodes or more");
        }
        Map<String, Object> r = ceiling(o, g, n);
        if (o.getBoolean("failures", true)) {
            Thread.sleep(2000);
            r.put("redisRestart", redisRestart(o, g));
            Thread.sleep(3000);
            r.put("nodeKill", nodeKill(o, g));
        }
        return r;
    }

    /**
     * The fan-out at the first step's rate for {@code --down-seconds} + 20 s; 5 s in, Redis shuts
     * down (no save), and comes back {@code --down-seconds} later on the same port. Reports when
     * every node's {@code /healthz} says {@code redis: ok} again, and when delivery between nodes
     * is live again: the start of the first 100-ms slice of send times from which on no slice has
     * a message reaching another node later than {@code --live-ms}.
     */
    static Map<String, Object> redisRestart(Options o, Generator g) throws InterruptedException {
        int port = g.redisPort;
        if (port <= 0 || !o.has("redis-dir")) {
            return Map.of("skipped", "needs --redis-port and --redis-dir");
        }
        double down = o.getDouble("down-seconds", 10);
        double before = 5;
        double after = 15;
        double rate = o.getDoubles("rates", "40000").get(0);
        int members = g.baseCount + g.openClients().size();
        double liveMs = o.getDouble("live-ms", 50);
        List<BenchClient> senders = senders(g, o.getInt("senders", 10));
        g.openClients().forEach(BenchClient::resetMinCount);
        long origin = System.nanoTime();
        g.run.startTimeline(origin, before + down + after + 2);
        Map<String, Object>[] phase = new Map[1];
        Thread load = new Thread(() -> {
            try {
                phase[0] = g.load(senders, rate / members, 0, before + down + after, o.getDouble("drain", 10), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-redis-restart");
        load.start();
        Generator.sleepUntil(origin + (long) (before * 1e9));
        long stopped = System.nanoTime();
        List<String> stop = ProcStats.run("redis-cli", "-p", Integer.toString(port), "shutdown", "nosave");
        Generator.sleepUntil(stopped + (long) (down * 1e9));
        // --stall-node-seconds S: the last node is stopped (SIGSTOP) for S seconds as Redis returns,
        // like a node that is slow to reconnect (a GC pause, a busy machine); S below the 5 s after
        // which a node counts as dead, it must not be taken for dead.
        double stall = o.getDouble("stall-node-seconds", 0);
        String[] pids = o.get("pids", "").split(",");
        String stalled = stall > 0 && pids.length == g.urls.size() ? pids[pids.length - 1].trim() : null;
        if (stalled != null) {
            ProcStats.run("kill", "-STOP", stalled);
        }
        long restarted = System.nanoTime();
        List<String> start = ProcStats.run("redis-server", "--port", Integer.toString(port), "--save", "",
                "--appendonly", "no", "--daemonize", "yes", "--dir", o.get("redis-dir", "/tmp"));
        if (stalled != null) {
            Generator.sleepUntil(restarted + (long) (stall * 1e9));
            ProcStats.run("kill", "-CONT", stalled);
        }
        long allOk = -1;
        long deadline = restarted + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (g.urls.stream().allMatch(u -> healthz(u).contains("\"redis\":\"ok\""))) {
                allOk = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        load.join();
        g.run.stopTimeline();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("offeredDeliveriesPerSecond", rate);
        r.put("downSeconds", down);
        r.put("lastNodeStoppedSecondsAfterRestart", stalled != null ? stall : 0);
        r.put("redisStop", String.join(" ", stop).trim());
        r.put("redisStart", String.join(" ", start).trim());
        r.put("healthzRedisOkSecondsAfterRestart", allOk > 0 ? (allOk - restarted) / 1e9 : null);
        int bucketsPerSecond = (int) (1_000_000_000L / Run.BUCKET_NANOS);
        int stopBucket = (int) ((stopped - origin) / Run.BUCKET_NANOS);
        int restartBucket = (int) ((restarted - origin) / Run.BUCKET_NANOS);
        var maxOther = g.run.timelineMaxOther;
        var countOther = g.run.timelineCountOther;
        var maxSame = g.run.timelineMaxSame;
        int last = (int) ((before + down + after) * bucketsPerSecond) - 1;
        // Live again from the first half-second slice (of send times) after the restart from which
        // on, in every slice, the mean latency to other nodes exceeds the mean on the sender's own
        // node by at most liveMs: the machine's stalls (which delay both) cancel out, a sweep
        // (every 250 ms while degraded, every second otherwise) does not.
        int perSlice = 5;
        int liveFrom = -1;
        List<Object> excess = new ArrayList<>();
        for (int b = restartBucket; b + perSlice - 1 <= last; b += perSlice) {
            long so = 0, no = 0, ss = 0, ns = 0;
            for (int i = b; i < b + perSlice; i++) {
                so += g.run.timelineSumOther.get(i);
                no += countOther.get(i);
                ss += g.run.timelineSumSame.get(i);
                ns += g.run.timelineCountSame.get(i);
            }
            excess.add(no > 0 && ns > 0 ? Math.round((so / (double) no - ss / (double) ns) / 100) / 10.0 : null);
        }
        for (int k = excess.size() - 1; k >= 0; k--) {
            if (excess.get(k) instanceof Double d && d > liveMs) {
                break;
            }
            liveFrom = restartBucket + k * perSlice;
        }
        r.put("meanExtraMillisToOtherNodesPerHalfSecondAfterRestart", excess);
        r.put("liveMillisLine", liveMs);
        r.put("liveAgainSecondsAfterRestart", liveFrom >= 0 ? (liveFrom - restartBucket) * Run.BUCKET_NANOS / 1e9 : null);
        long worstDown = 0;
        long worstBefore = 0;
        for (int b = 0; b <= last; b++) {
            if (b < stopBucket) {
                worstBefore = Math.max(worstBefore, maxOther.get(b));
            } else if (b < restartBucket) {
                worstDown = Math.max(worstDown, maxOther.get(b));
            }
        }
        r.put("worstOtherNodeMillisBeforeStop", worstBefore / 1000.0);
        r.put("worstOtherNodeMillisWhileDown", worstDown / 1000.0);
        // Per second of send time: the worst latency to another node and on the sender's own.
        List<Object> perSecond = new ArrayList<>();
        for (int sec = 0; sec * bucketsPerSecond <= last; sec++) {
            long mo = 0;
            long ms = 0;
            for (int b = sec * bucketsPerSecond; b < (sec + 1) * bucketsPerSecond && b <= last; b++) {
                mo = Math.max(mo, maxOther.get(b));
                ms = Math.max(ms, maxSame.get(b));
            }
            perSecond.add(List.of(sec, mo / 1000.0, ms / 1000.0));
        }
        r.put("stoppedAtSecond", (stopped - origin) / 1e9);
        r.put("restartedAtSecond", (restarted - origin) / 1e9);
        r.put("worstMillisPerSecond[second,otherNode,sameNode]", perSecond);
        // Nobody left: a count below the room's, seen by anyone during the outage, is a false leave.
        List<BenchClient> open = g.openClients();
        r.put("membersDuringPhase", members);
        r.put("clientsThatSawTheCountDrop", open.stream().filter(c -> c.minCount < members).count());
        r.put("lowestCountSeen", open.stream().mapToInt(c -> c.minCount).min().orElse(-1));
        Map<String, Object> p = phase[0];
        if (p != null) {
            for (String k : List.of("messagesSent", "messagesAcked", "messagesRefused", "deliveriesExpected",
                    "deliveriesReceived", "lost", "seqGaps", "seqOutOfOrder", "latencyMillis",
                    "latencyMillisSenderOnSameNode", "latencyMillisSenderOnOtherNode", "drainMillis")) {
                r.put(k, p.get(k));
            }
        }
        System.out.println(String.format(Locale.ROOT,
                "redis restart: /healthz ok %.2f s after, live again %.1f s after (line %.0f ms); worst to another node while down %.0f ms; lost %s, gaps %s, out of order %s; "
                        + "%s clients saw the count drop below %d (lowest %s)",
                num(r.get("healthzRedisOkSecondsAfterRestart")), num(r.get("liveAgainSecondsAfterRestart")), liveMs,
                worstDown / 1000.0, r.get("lost"), r.get("seqGaps"), r.get("seqOutOfOrder"),
                r.get("clientsThatSawTheCountDrop"), members, r.get("lowestCountSeen")));
        return r;
    }

    /**
     * {@code kill -9} of the last node: how long until a client on another node sees the first of
     * its members leave, and until every client on the other nodes sees the count without them.
     */
    static Map<String, Object> nodeKill(Options o, Generator g) throws InterruptedException {
        String[] pids = o.get("pids", "").split(",");
        int nodes = g.urls.size();
        if (pids.length != nodes) {
            return Map.of("skipped", "needs --pids, one per URL");
        }
        int victim = nodes - 1;
        long pid = Long.parseLong(pids[victim].trim());
        List<BenchClient> open = g.openClients();
        List<BenchClient> observers = open.stream().filter(c -> c.index % nodes != victim).toList();
        long onVictim = open.size() - observers.size();
        int members = g.baseCount + open.size();
        long expected = members - onVictim;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("node", victim + 1);
        r.put("membersBefore", members);
        r.put("membersOnKilledNode", onVictim);
        r.put("observers", observers.size());
        if (!observers.stream().allMatch(c -> c.lastCount == members)) {
            r.put("warning", "not every observer saw " + members + " before the kill");
        }
        long killed = System.nanoTime();
        boolean signalled = ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
        long firstLeave = -1;
        long allLeft = -1;
        long deadline = killed + (long) (o.getDouble("kill-timeout", 30) * 1e9);
        while (System.nanoTime() < deadline && allLeft < 0) {
            boolean all = true;
            for (BenchClient c : observers) {
                int count = c.lastCount;
                if (firstLeave < 0 && count < members) {
                    firstLeave = System.nanoTime();
                }
                if (count > expected) {
                    all = false;
                }
            }
            if (all) {
                allLeft = System.nanoTime();
            }
            Thread.sleep(5);
        }
        r.put("signalled", signalled);
        r.put("firstLeaveSeenSeconds", firstLeave > 0 ? (firstLeave - killed) / 1e9 : null);
        r.put("allLeftSeenSeconds", allLeft > 0 ? (allLeft - killed) / 1e9 : null);
        r.put("observersNotAtExpectedCount", observers.stream().filter(c -> c.lastCount != expected).count());
        System.out.println(String.format(Locale.ROOT,
                "kill -9 of node %d (%d members): first leave seen on another node after %.2f s, all %d gone everywhere after %.2f s",
                victim + 1, onVictim, num(r.get("firstLeaveSeenSeconds")), onVictim, num(r.get("allLeftSeenSeconds"))));
        return r;
    }

    /** The body of GET /healthz of the node behind a ws:// URL, or "" when it does not answer. */
    static String healthz(java.net.URI ws) {
        try {
            java.net.URL url = new java.net.URL("http://" + ws.getHost() + ":" + ws.getPort() + "/healthz");
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) url.openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(1000);
            try (java.io.InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
                return in == null ? "" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String stepLine(Map<String, Object> s) {
        return String.format(Locale.ROOT,
                "offered %.0f/s delivered %.0f/s p50 %s p99 %s p99.9 %s ms lost %s server %.2f µs/delivery "
                        + "(JIT %.2f; %.0f%% core) generator %.0f%% core%s",
                num(s.get("offeredDeliveriesPerSecond")), num(s.get("deliveriesPerSecond")), lat(s, "p50"),
                lat(s, "p99"), lat(s, "p99.9"), s.get("lost"), num(s.get("serverCpuMicrosPerDelivery")),
                num(s.get("serverJitCpuMicrosPerDelivery")), num(s.get("serverCpuPercentOfOneCore")),
                num(s.get("generatorCpuPercentOfOneCore")),
                s.containsKey("ok") ? " ok=" + s.get("ok") : "") + nodeSplit(s);
    }

    /** For a cluster: latency by where the sender was, and what the cluster's processes spent. */
    @SuppressWarnings("unchecked")
    private static String nodeSplit(Map<String, Object> s) {
        if (!s.containsKey("latencyMillisSenderOnOtherNode") && !s.containsKey("cpuByProcessGroup")) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n   ");
        if (s.get("latencyMillisSenderOnSameNode") instanceof Map<?, ?> same
                && s.get("latencyMillisSenderOnOtherNode") instanceof Map<?, ?> other) {
            sb.append(String.format(Locale.ROOT, " same node p50 %s p99 %s ms; other node p50 %s p99 %s ms;",
                    same.get("p50"), same.get("p99"), other.get("p50"), other.get("p99")));
        }
        if (s.get("cpuByProcessGroup") instanceof Map<?, ?> groups) {
            groups.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.2f µs;",
                    k, num(((Map<String, Object>) v).get("cpuMicrosPerDelivery")))));
        }
        if (s.get("redis") instanceof Map<?, ?> redis) {
            sb.append(String.format(Locale.ROOT, " redis in %.2f B/delivery (%.0f B/message)",
                    num(redis.get("inputBytesPerDelivery")), num(redis.get("inputBytesPerMessage"))));
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Object lat(Map<String, Object> s, String p) {
        return ((Map<String, Object>) s.get("latencyMillis")).get(p);
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A few lines for the terminal; the JSON has everything. */
    @SuppressWarnings("unchecked")
    static String summary(String scenario, Map<String, Object> result) {
        Map<String, Object> r = (Map<String, Object>) result.get("result");
        StringBuilder sb = new StringBuilder(scenario).append(": ");
        switch (scenario) {
            case "connect" -> sb.append(String.format(Locale.ROOT,
                    "%s welcomed in %.2f s = %.0f handshakes/s; server %.0f µs per handshake (JIT %.0f)",
                    r.get("welcomed"), num(r.get("seconds")), num(r.get("handshakesPerSecond")),
                    num(r.get("serverCpuMicrosPerHandshake")), num(r.get("serverJitCpuMicrosPerHandshake")))
                    + (r.containsKey("handshakesPerSecondPer10s")
                            ? "; per 10 s: " + ((List<?>) r.get("handshakesPerSecondPer10s")).stream()
                                    .map(v -> String.format(Locale.ROOT, "%.0f", num(v)))
                                    .collect(java.util.stream.Collectors.joining(", "))
                            : ""));
            case "joinstorm" -> sb.append(String.format(Locale.ROOT,
                    "%s clients settled=%s in %.1f s; %s system frames (%s coalesced); server CPU %.1f s%s",
                    r.get("clients"), r.get("settled"), num(r.get("settleSeconds")), r.get("systemFramesReceived"),
                    r.get("coalescedFramesReceived"), num(r.get("serverCpuSeconds")),
                    r.containsKey("cpuSecondsByProcessGroup") ? "; CPU s by process " + r.get("cpuSecondsByProcessGroup")
                            : ""));
            case "fanout" -> sb.append(stepLine(r)).append(" targets ").append(r.get("targets"));
            case "memory" -> sb.append(String.format(Locale.ROOT,
                    "%s connections: %.2f KiB RSS each (%.2f after GC), live heap %.2f KiB each; "
                            + "marginal (the second half): %.2f KiB RSS each, live heap %.2f KiB each",
                    r.get("openConnections"), num(r.get("rssKiBPerConnection")),
                    num(r.get("rssKiBPerConnectionAfterGc")), num(r.get("liveHeapKiBPerConnection")),
                    num(r.get("rssKiBPerConnectionMarginal")), num(r.get("liveHeapKiBPerConnectionMarginal")))
                    + (r.containsKey("rssKiBLongIdle") ? String.format(Locale.ROOT, "; after %d s idle: %.2f KiB RSS each",
                            ((Number) r.get("longIdleMs")).longValue() / 1000, num(r.get("rssKiBPerConnectionLongIdle"))) : ""));
            case "stuck" -> sb.append(String.format(Locale.ROOT,
                    "p99 %.2f ms without, %.2f ms with %s stuck (%+.1f%%); stuck sockets' close codes %s; RSS max %s → %s KiB",
                    num(r.get("p99MillisWithout")), num(r.get("p99MillisWith")), r.get("stuck"),
                    100 * num(r.get("p99Change")), r.get("stuckCloseCodes"), r.get("rssKiBMaxWithout"),
                    r.get("rssKiBMaxWith")));
            case "ceiling", "cluster" -> {
                Map<String, Object> good = (Map<String, Object>) r.get("lastGoodStep");
                sb.append(good == null ? "no step passed" : "last good step: " + stepLine(good));
            }
            case "upload", "fetch" -> sb.append(MediaScenarios.summary(scenario, r));
            default -> sb.append(r);
        }
        return sb.toString();
    }
}
