package dev.sori.bench;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The image scenarios of issue 16: {@code upload} (concurrent uploaders, each its own identity,
 * each image distinct so that every one is stored) and {@code fetch} (one stored image served
 * over and over, by {@code wrk}). Server CPU comes from {@code /proc} as in the other scenarios.
 */
final class MediaScenarios {
    private MediaScenarios() {
    }

    /**
     * {@code --uploaders} threads, each with its own identity and its own kept-open connection,
     * upload {@code --size}-byte PNGs back to back (a closed loop: the next starts when the last
     * is answered). Counted: the uploads answered {@code 201} within the measured window, after
     * {@code --warmup} seconds. Latency is from the first byte of the request to the whole answer.
     */
    static Map<String, Object> upload(Options o, Generator g) throws Exception {
        int uploaders = o.getInt("uploaders", 4);
        int size = o.getInt("size", 100_000);
        double warmup = o.getDouble("warmup", 3);
        double duration = o.getDouble("duration", 15);
        URI base = httpBase(g.url);
        DistinctPng images = new DistinctPng(size);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < uploaders; i++) {
            tokens.add(token(g.url));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("uploaders", uploaders);
        r.put("sizeBytes", size);
        r.put("image", "PNG, 16x16, the rest a private chunk (distinct per upload)");
        if (o.has("jfr")) {
            r.put("jfr", startJfr(o, g, warmup, duration));
        }
        // Distinct across runs against one server too: a random prefix, then a counter.
        long prefix = (long) ThreadLocalRandom.current().nextInt() << 32;
        AtomicLong next = new AtomicLong();
        AtomicLong uploaded = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();
        Recorder latency = new Recorder(3);
        long start = System.nanoTime() + (long) (warmup * 1e9);
        long end = start + (long) (duration * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < uploaders; i++) {
            String token = tokens.get(i);
            Thread t = new Thread(() -> {
                String headers = "Authorization: Bearer " + token + "\r\nContent-Type: image/png\r\n";
                try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                    while (System.nanoTime() < end) {
                        byte[] png = images.image(prefix | next.getAndIncrement());
                        long t0 = System.nanoTime();
                        int status;
                        try {
                            KeepAliveHttp.Answer a = http.send("POST", "media", headers, png);
                            status = a.status();
                            if (status != 201) {
                                g.run.sample("upload answered " + status + ": " + a.text());
                            }
                        } catch (IOException e) {
                            status = -1;
                            g.run.sample("upload failed: " + e);
                        }
                        long t1 = System.nanoTime();
                        if (t1 >= start && t1 <= end) {
                            statuses.computeIfAbsent(Integer.toString(status), k -> new AtomicLong()).incrementAndGet();
                            if (status == 201) {
                                uploaded.incrementAndGet();
                                latency.recordValue((t1 - t0) / 1000);
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    }
                }
            }, "uploader-" + i);
            t.start();
            threads.add(t);
        }
        Window w = Window.measure(g.serverPid, pgDb(o), start, end);
        for (Thread t : threads) {
            t.join();
        }
        Histogram h = latency.getIntervalHistogram();
        double megabytes = uploaded.get() * (double) size / 1e6;
        r.put("windowSeconds", w.seconds());
        r.put("uploads", uploaded.get());
        r.put("failed", failed.get());
        Map<String, Long> byStatus = new TreeMap<>();
        statuses.forEach((status, count) -> byStatus.put(status, count.get()));
        r.put("statuses", byStatus);
        r.put("uploadsPerSecond", uploaded.get() / w.seconds());
        r.put("megabytesPerSecond", megabytes / w.seconds());
        r.put("latencyMillis", Generator.percentiles(h));
        w.cpu(r, megabytes, uploaded.get(), "Upload");
        return r;
    }

    /**
     * One {@code --size}-byte image uploaded, then fetched by {@code wrk} ({@code --wrk}, default
     * {@code wrk} on the PATH) for {@code --duration} seconds on {@code --connections} connections
     * and {@code --wrk-threads} threads, after a {@code --warmup} run that is not counted. With
     * {@code --not-modified true} every request carries the image's ETag as {@code If-None-Match}:
     * the {@code 304} path.
     */
    static Map<String, Object> fetch(Options o, Generator g) throws Exception {
        int size = o.getInt("size", 100_000);
        boolean notModified = o.getBoolean("not-modified", false);
        URI base = httpBase(g.url);
        String token = token(g.url);
        String id;
        try (KeepAliveHttp http = new KeepAliveHttp(base)) {
            KeepAliveHttp.Answer a = http.send("POST", "media",
                    "Authorization: Bearer " + token + "\r\nContent-Type: image/png\r\n",
                    new DistinctPng(size).image(ThreadLocalRandom.current().nextLong()));
            if (a.status() != 201) {
                throw new IllegalStateException("the upload was answered " + a.status() + ": " + a.text());
            }
            try (var reader = Json.createReader(new StringReader(a.text()))) {
                id = reader.readObject().getString("id");
            }
        }
        String etag = '"' + id + '"';
        URI image = base.resolve("media/" + id);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sizeBytes", size);
        r.put("url", image.toString());
        r.put("notModified", notModified);
        try (KeepAliveHttp http = new KeepAliveHttp(base)) { // what wrk will be answered, once, checked
            KeepAliveHttp.Answer a = http.send("GET", "media/" + id, notModified ? "If-None-Match: " + etag + "\r\n" : "", null);
            int expected = notModified ? 304 : 200;
            if (a.status() != expected || !notModified && a.body().length != size) {
                throw new IllegalStateException("GET answered " + a.status() + " with " + a.body().length + " bytes");
            }
            r.put("status", a.status());
            r.put("bodyBytes", a.body().length);
        }
        List<String> cmd = new ArrayList<>(List.of(o.get("wrk", "wrk"), "-t", o.get("wrk-threads", "1"),
                "-c", o.get("connections", "8"), "--latency", "--timeout", "30s"));
        if (notModified) {
            cmd.addAll(List.of("-H", "If-None-Match: " + etag));
        }
        double warmup = o.getDouble("warmup", 3);
        double duration = o.getDouble("duration", 10);
        if (warmup > 0) {
            wrk(cmd, warmup, image);
        }
        if (o.has("jfr")) {
            r.put("jfr", startJfr(o, g, 0, duration));
        }
        long start = System.nanoTime();
        long end = start + (long) (duration * 1e9);
        Window[] window = new Window[1];
        Thread measure = new Thread(() -> window[0] = Window.measure(g.serverPid, pgDb(o), start, end), "fetch-window");
        measure.start();
        List<String> out = wrk(cmd, duration, image);
        measure.join();
        String all = String.join("\n", out);
        r.put("wrkCommand", String.join(" ", cmd) + " -d " + Math.max(1, Math.round(duration)) + "s " + image);
        long requests = longOf(all, "(\\d+) requests in");
        long errors = longOf(all, "Non-2xx or 3xx responses: (\\d+)") + socketErrors(all);
        double perSecond = doubleOf(all, "Requests/sec:\\s+([0-9.]+)");
        r.put("requests", requests);
        r.put("errors", errors);
        r.put("requestsPerSecond", perSecond);
        r.put("megabytesPerSecond", notModified ? 0.0 : perSecond * size / 1e6);
        r.put("wrkTransferPerSecond", stringOf(all, "Transfer/sec:\\s+(\\S+)"));
        Map<String, Object> lat = new LinkedHashMap<>();
        for (String p : List.of("50", "90", "99")) {
            lat.put("p" + p, millis(stringOf(all, "\\s" + p + "%\\s+(\\S+)")));
        }
        r.put("latencyMillis", lat);
        double megabytes = notModified ? 0 : requests * (double) size / 1e6;
        window[0].cpu(r, megabytes, requests, "Request");
        r.put("wrkOutput", out);
        return r;
    }

    /** The CPU and memory of the server over one measured window, sampled from {@code /proc}. */
    private record Window(ProcStats.Snapshot before, ProcStats.Snapshot after, long rssStart, long rssMax, long rssEnd,
                          double postgresCpuSeconds) {
        /** {@code pgDb}: the PostgreSQL database whose backends' CPU counts too, or null. */
        static Window measure(long pid, String pgDb, long start, long end) {
            try {
                Generator.sleepUntil(start);
                List<Long> backends = pgDb == null ? List.of() : ProcStats.postgresBackends(pgDb);
                long[][] pgBefore = ProcStats.cpuOf(backends);
                ProcStats.Snapshot before = ProcStats.Snapshot.take(pid);
                long rssStart = ProcStats.rssKiB(pid);
                long rssMax = rssStart;
                while (System.nanoTime() < end) {
                    Generator.sleepUntil(Math.min(end, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)));
                    rssMax = Math.max(rssMax, ProcStats.rssKiB(pid));
                }
                ProcStats.Snapshot after = ProcStats.Snapshot.take(pid);
                long pgNanos = ProcStats.spentBetween(pgBefore, ProcStats.cpuOf(backends))[0];
                return new Window(before, after, rssStart, rssMax, ProcStats.rssKiB(pid), pgNanos / 1e9);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        double seconds() {
            return (after.wallNanos() - before.wallNanos()) / 1e9;
        }

        void cpu(Map<String, Object> r, double megabytes, long count, String what) {
            double server = (after.serverCpuNanos() - before.serverCpuNanos()) / 1e9;
            double system = (after.serverSysNanos() - before.serverSysNanos()) / 1e9;
            double self = (after.selfCpuNanos() - before.selfCpuNanos()) / 1e9;
            r.put("serverCpuSeconds", server);
            r.put("serverSystemCpuSeconds", system);
            r.put("serverCpuPercentOfOneCore", 100 * server / seconds());
            r.put("serverCpuMillisPer" + what, count > 0 ? 1000 * server / count : null);
            r.put("serverCpuSecondsPerMB", megabytes > 0 ? server / megabytes : null);
            if (postgresCpuSeconds > 0) {
                r.put("postgresCpuSeconds", postgresCpuSeconds);
                r.put("serverAndPostgresCpuSecondsPerMB", megabytes > 0 ? (server + postgresCpuSeconds) / megabytes : null);
                r.put("serverAndPostgresCpuMillisPer" + what,
                        count > 0 ? 1000 * (server + postgresCpuSeconds) / count : null);
            }
            r.put("generatorCpuPercentOfOneCore", 100 * self / seconds());
            r.put("serverRssKiBStart", rssStart);
            r.put("serverRssKiBMax", rssMax);
            r.put("serverRssKiBEnd", rssEnd);
        }
    }

    private static String pgDb(Options o) {
        return o.has("pg-db") ? o.get("pg-db", "") : null;
    }

    /** The identity token of a fresh identity: a WebSocket opened for its {@code welcome}, then closed. */
    static String token(URI chat) throws IOException {
        try (StuckClient c = new StuckClient(chat, 65536, false)) {
            String first = c.readTextFrame();
            try (var reader = Json.createReader(new StringReader(first))) {
                JsonObject frame = reader.readObject();
                if (!frame.getString("type", "").equals("welcome")) {
                    throw new IOException("first frame was not welcome: " + first);
                }
                return frame.getJsonObject("payload").getString("token");
            }
        }
    }

    /** {@code ws://host:port/ctx/chat} → {@code http://host:port/ctx/}: where {@code media} lives. */
    static URI httpBase(URI chat) {
        String s = chat.toString();
        return URI.create((s.startsWith("wss:") ? "https" + s.substring(3) : "http" + s.substring(2))).resolve("./");
    }

    private static String startJfr(Options o, Generator g, double delaySeconds, double duration) {
        List<String> out = ProcStats.jcmd(g.serverPid, "JFR.start", "name=bench", "settings=profile",
                "delay=" + (long) (delaySeconds * 1000 + 100) + "ms", "duration=" + (long) (duration * 1000) + "ms",
                "filename=" + Paths.get(o.get("jfr", "")).toAbsolutePath());
        return String.join(" ", out).trim();
    }

    private static List<String> wrk(List<String> base, double seconds, URI url) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(base);
        cmd.addAll(List.of("-d", Math.max(1, Math.round(seconds)) + "s", url.toString()));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run " + cmd.get(0) + " (install wrk, or give --wrk PATH): " + e.getMessage());
        }
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (p.waitFor() != 0) {
            throw new IOException("wrk exited with " + p.exitValue() + ": " + String.join("\n", lines));
        }
        return lines;
    }

    private static long socketErrors(String out) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) + Long.parseLong(m.group(3))
                + Long.parseLong(m.group(4)) : 0;
    }

    private static String stringOf(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? m.group(1) : null;
    }

    private static long longOf(String out, String regex) {
        String s = stringOf(out, regex);
        return s == null ? 0 : Long.parseLong(s);
    }

    private static double doubleOf(String out, String regex) {
        String s = stringOf(out, regex);
        return s == null ? Double.NaN : Double.parseDouble(s);
    }

    /** wrk's "123.45us", "1.20ms", "2.00s" in milliseconds. */
    static Double millis(String wrk) {
        if (wrk == null) {
            return null;
        }
        Matcher m = Pattern.compile("([0-9.]+)(us|ms|s|m)").matcher(wrk);
        if (!m.matches()) {
            return null;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
    }

    static String summary(String scenario, Map<String, Object> r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) r.get("latencyMillis");
        if (scenario.equals("upload")) {
            return String.format(Locale.ROOT,
                    "%s uploaders x %,.0f bytes: %.1f uploads/s = %.1f MB/s; p50 %s ms, p99 %s ms; %s failed; "
                            + "server %.3f CPU s per MB (%.0f%% of a core)%s, RSS max %,.0f KiB",
                    r.get("uploaders"), num(r.get("sizeBytes")), num(r.get("uploadsPerSecond")),
                    num(r.get("megabytesPerSecond")), lat.get("p50"), lat.get("p99"), r.get("failed"),
                    num(r.get("serverCpuSecondsPerMB")), num(r.get("serverCpuPercentOfOneCore")),
                    r.containsKey("postgresCpuSeconds") ? String.format(Locale.ROOT, ", with PostgreSQL's %.3f",
                            num(r.get("serverAndPostgresCpuSecondsPerMB"))) : "",
                    num(r.get("serverRssKiBMax")));
        }
        return String.format(Locale.ROOT,
                "GET %,.0f bytes%s: %.0f requests/s = %.1f MB/s; p50 %s ms, p99 %s ms; %s errors; "
                        + "server %.3f CPU ms per request (%.0f%% of a core)%s, RSS max %,.0f KiB",
                num(r.get("sizeBytes")), Boolean.TRUE.equals(r.get("notModified")) ? " (If-None-Match: 304)" : "",
                num(r.get("requestsPerSecond")), num(r.get("megabytesPerSecond")), lat.get("p50"), lat.get("p99"),
                r.get("errors"), num(r.get("serverCpuMillisPerRequest")), num(r.get("serverCpuPercentOfOneCore")),
                r.containsKey("postgresCpuSeconds") ? String.format(Locale.ROOT, ", with PostgreSQL's %.3f",
                        num(r.get("serverAndPostgresCpuMillisPerRequest"))) : "",
                num(r.get("serverRssKiBMax")));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
