package dev.sori.bench;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sori's load generator (issue 6). It speaks only the wire protocol, so it runs against any
 * server: give it the WebSocket URL and, for the server's CPU and memory figures, its PID.
 *
 * <pre>
 * src/test/bench/bench.sh --url ws://127.0.0.1:8080/chat --pid 1234 --scenario fanout
 * </pre>
 *
 * Scenarios: {@code connect}, {@code joinstorm}, {@code fanout}, {@code memory}, {@code stuck},
 * {@code ceiling}, {@code cluster}, {@code upload} and {@code fetch} (images), and {@code chart}
 * (redraws an SVG from ceiling JSON files). Every run writes its results as JSON under
 * {@code target/bench/} (or {@code --out}); see docs/benchmarks.md.
 */
public final class Bench {
    /**
     * The lean client: on a machine shared with the server it takes half the generator CPU of the
     * JDK's per received message, so what is measured is more the server's (docs/benchmarks.md).
     */
    static final String DEFAULT_CLIENT = "raw";
    private static final String USAGE = String.join("\n",
            "usage: bench --url ws://HOST:PORT/chat [--pid SERVER_PID] --scenario NAME [options]",
            "  common:   --client raw|jdk|tyrus (raw)  --threads N (0: one selector thread for raw; JDK client work on its selector thread)  --clients N  --in-flight N (64)",
            "            --settle-timeout S (600)  --label TEXT  --out FILE.json  --hold-seconds S (keep connections)",
            "            --wire sori|socketio (sori; socketio: each frame as a Socket.IO event \"frame\", for the",
            "            Socket.IO yardstick, whose URL path is ignored: src/test/bench/node-socketio/)",
            "  connect:  --clients 2000 --mode hold|churn|raw (hold)  --seconds S (raw only: handshakes for S s instead of N, rate per 10 s)",
            "  joinstorm:--clients 5000",
            "  fanout:   --clients 2000 --senders 10 --rate 40000 (deliveries/s offered) --warmup 5 --duration 20",
            "            --drain 10 --pad 0 (extra text chars per message)",
            "  memory:   --clients 10000 [--heap true: live heap via jcmd GC.class_histogram]",
            "  stuck:    --clients 2000 --stuck 10 --rcvbuf 4096 --rate 40000 --duration 60 [--server-log FILE]",
            "  ceiling:  --clients 2000 --senders 10 --rates 10000,20000,40000,... --warmup 3 --duration 10",
            "            --max-sender-rate 18 --p99-limit 100 --after-fail 2 --svg FILE.svg",
            "  cluster:  the ceiling over several nodes, then a Redis restart and a node's kill -9:",
            "            --urls ws://A/chat,ws://B/chat,... --pids A,B,... (same order) --redis-port P --redis-dir D",
            "            --pg-db NAME (its backends' CPU counts too) --rates 40000,80000,... --failures true",
            "            --down-seconds 10 --live-ms 50 (mean extra latency to other nodes that counts as live again)",
            "            --stall-node-seconds 0 (the last node SIGSTOPped that long as Redis returns)",
            "            (--urls/--pids/--redis-port/--pg-db work with fanout and ceiling too: CPU is then their sum)",
            "  upload:   --uploaders 4 --size 100000 (bytes per PNG, each distinct) --warmup 3 --duration 15 [--jfr FILE]",
            "            (start the server with --uploads-per-minute 0: 10 a minute per identity by default)",
            "  fetch:    --size 100000 --not-modified false (true: If-None-Match, the 304 path) --connections 8",
            "            --wrk-threads 1 --warmup 3 --duration 10 --wrk wrk (one image uploaded, then GET by wrk)",
            "  chart:    --in a.json,b.json [--labels 'A;B'] --svg FILE.svg");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.has("help") || args.length == 0) {
            System.out.println(USAGE);
            return;
        }
        try {
            run(o);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        System.exit(0); // client libraries may leave non-daemon threads behind
    }

    /** Runs one scenario, writes its JSON and returns it (also used by the smoke test). */
    public static Map<String, Object> run(String... args) throws Exception {
        return run(Options.parse(args));
    }

    static Map<String, Object> run(Options o) throws Exception {
        String scenario = o.get("scenario", "fanout");
        if (scenario.equals("chart")) {
            return chart(o);
        }
        URI url = URI.create(o.has("urls") && !o.has("url") ? o.get("urls", "").split(",")[0].trim() : o.require("url"));
        long pid = o.getLong("pid", -1);
        Map<String, Object> result = header(o, scenario, url, pid);
        List<String> warnings = new ArrayList<>();
        int clients = o.getInt("clients", defaultClients(scenario));
        long ourLimit = ProcStats.openFilesLimit(ProcStats.selfPid());
        if (ourLimit >= 0 && ourLimit < clients + 200L) {
            warnings.add("generator open-files limit " + ourLimit + " is below " + (clients + 200)
                    + ": raise it (ulimit -n)");
        }
        long serverLimit = pid > 0 ? ProcStats.openFilesLimit(pid) : -1;
        if (serverLimit >= 0 && serverLimit < clients + 200L) {
            warnings.add("server open-files limit " + serverLimit + " is below " + (clients + 200));
        }
        result.put("warnings", warnings);
        Transport transport = Transport.create(o.get("client", DEFAULT_CLIENT), o.getInt("threads", 0), wire(o));
        try (Generator g = new Generator(url, pid, transport)) {
            cluster(o, g);
            Map<String, Object> body = switch (scenario) {
                case "connect" -> Scenarios.connect(o, g, clients);
                case "joinstorm" -> Scenarios.joinStorm(o, g, clients);
                case "fanout" -> Scenarios.fanout(o, g, clients);
                case "memory" -> Scenarios.memory(o, g, clients);
                case "stuck" -> Scenarios.stuck(o, g, clients);
                case "ceiling" -> Scenarios.ceiling(o, g, clients);
                case "cluster" -> Scenarios.cluster(o, g, clients);
                case "upload" -> MediaScenarios.upload(o, g);
                case "fetch" -> MediaScenarios.fetch(o, g);
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            };
            result.put("result", body);
            result.put("samples", g.run.samples());
            if (o.has("hold-seconds")) { // keep the connections open, e.g. to inspect the server
                System.out.println(Scenarios.summary(scenario, result) + "\nholding the connections for "
                        + o.get("hold-seconds", "0") + " s");
                Thread.sleep((long) (o.getDouble("hold-seconds", 0) * 1000));
            }
        }
        result.put("loadAverageEnd", ProcStats.loadAverage());
        result.put("serverRssKiBEnd", ProcStats.rssKiB(pid));
        Path out = outputPath(o, scenario, "json");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, JsonOut.write(result));
        result.put("jsonFile", out.toString());
        if (scenario.equals("ceiling") || scenario.equals("cluster")) {
            Path svg = o.has("svg") ? Paths.get(o.get("svg", "")) : outputPath(o, scenario, "svg");
            Files.createDirectories(svg.toAbsolutePath().getParent());
            Files.writeString(svg, SvgChart.draw(title(o, result),
                    List.of(new SvgChart.Series(seriesLabel(result), points(result))), o.getDouble("p99-limit", 100), 3));
            result.put("svgFile", svg.toString());
            System.out.println("chart: " + svg);
        }
        System.out.println(Scenarios.summary(scenario, result));
        System.out.println("results: " + out);
        return result;
    }

    /**
     * Several nodes and the processes behind them: {@code --urls} (client i connects to
     * {@code urls[i mod n]}), {@code --pids} (one per URL, in the same order), {@code --redis-port}
     * and {@code --pg-db}. With any of them, "server CPU" is the sum of these processes.
     */
    private static void cluster(Options o, Generator g) {
        if (o.has("urls")) {
            List<URI> urls = new ArrayList<>();
            for (String u : o.get("urls", "").split(",")) {
                urls.add(URI.create(u.trim()));
            }
            g.urls = urls;
            g.run.nodes = urls.size();
        }
        List<ProcStats.CpuGroup> groups = new ArrayList<>();
        if (o.has("pids")) {
            String[] pids = o.get("pids", "").split(",");
            for (int i = 0; i < pids.length; i++) {
                groups.add(ProcStats.CpuGroup.of(pids.length == 1 ? "server" : "node " + (i + 1),
                        Long.parseLong(pids[i].trim())));
            }
        } else if (g.serverPid > 0 && (o.has("redis-port") || o.has("pg-db"))) {
            groups.add(ProcStats.CpuGroup.of("server", g.serverPid));
        }
        if (o.has("redis-port")) {
            int port = o.getInt("redis-port", 6379);
            g.redisPort = port;
            // Asked each time: a restarted Redis has another pid.
            groups.add(new ProcStats.CpuGroup("redis", () -> {
                Long p = ProcStats.redisInfo(port).get("process_id");
                return p == null ? List.of() : List.of(p);
            }));
        }
        if (o.has("pg-db")) {
            String db = o.get("pg-db", "");
            groups.add(new ProcStats.CpuGroup("postgres", () -> ProcStats.postgresBackends(db)));
        }
        g.cpuGroups = groups;
    }

    static String wire(Options o) {
        return o.get("wire", "sori");
    }

    private static int defaultClients(String scenario) {
        return switch (scenario) {
            case "joinstorm" -> 5000;
            case "memory" -> 10000;
            default -> 2000;
        };
    }

    private static Map<String, Object> header(Options o, String scenario, URI url, long pid) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", scenario);
        r.put("label", o.get("label", ""));
        r.put("startedAt", LocalDateTime.now().toString());
        r.put("command", "bench " + o.commandLine());
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", ProcStats.cpuModel());
        machine.put("memoryMiB", ProcStats.memTotalKiB() / 1024);
        machine.put("kernel", ProcStats.kernel());
        machine.put("loadAverageStart", ProcStats.loadAverage());
        r.put("machine", machine);
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        gen.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        gen.put("client", o.get("client", DEFAULT_CLIENT));
        gen.put("wire", wire(o));
        gen.put("threads", o.getInt("threads", 0));
        gen.put("pid", ProcStats.selfPid());
        gen.put("openFilesLimit", ProcStats.openFilesLimit(ProcStats.selfPid()));
        r.put("generator", gen);
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("url", url.toString());
        server.put("pid", pid);
        if (pid > 0) {
            server.put("commandLine", ProcStats.commandLine(pid));
            server.put("openFilesLimit", ProcStats.openFilesLimit(pid));
            server.put("threads", ProcStats.threads(pid));
            server.put("rssKiBStart", ProcStats.rssKiB(pid));
        }
        r.put("server", server);
        r.put("options", new LinkedHashMap<>(o.asMap()));
        return r;
    }

    private static Path outputPath(Options o, String scenario, String ext) {
        if (ext.equals("json") && o.has("out")) {
            return Paths.get(o.get("out", ""));
        }
        if (ext.equals("svg") && o.has("out")) {
            String json = o.get("out", "");
            return Paths.get(json.endsWith(".json") ? json.substring(0, json.length() - 5) + ".svg" : json + ".svg");
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Paths.get(o.get("out-dir", "target/bench"), scenario + "-" + stamp + "." + ext);
    }

    // ---- chart ----

    private static Map<String, Object> chart(Options o) throws IOException {
        String[] inputs = o.require("in").split(",");
        String[] labels = o.has("labels") ? o.get("labels", "").split(";") : new String[0];
        List<SvgChart.Series> series = new ArrayList<>();
        String title = o.get("title", "");
        for (int i = 0; i < inputs.length; i++) {
            Map<String, Object> parsed = readJson(Paths.get(inputs[i].trim()));
            if (title.isEmpty()) {
                title = title(o, parsed);
            }
            String label = i < labels.length ? labels[i] : seriesLabel(parsed);
            series.add(new SvgChart.Series(label, points(parsed)));
        }
        Path svg = Paths.get(o.require("svg"));
        Files.createDirectories(svg.toAbsolutePath().getParent());
        Files.writeString(svg, SvgChart.draw(title, series, o.getDouble("p99-limit", 100), 3));
        System.out.println("chart: " + svg);
        return Map.of("svgFile", svg.toString());
    }

    private static String title(Options o, Map<String, Object> result) {
        if (o.has("title")) {
            return o.get("title", "");
        }
        Object r = result.get("result");
        Object members = r instanceof Map<?, ?> m ? m.get("clients") : "?";
        if (members instanceof Number n) {
            members = String.format(java.util.Locale.ROOT, "%,d", n.longValue());
        }
        return "Sori fan-out: " + members + " clients in one room, rate stepped up (2 cores, generator on the same machine)";
    }

    private static String seriesLabel(Map<String, Object> result) {
        String label = String.valueOf(result.getOrDefault("label", ""));
        if (!label.isEmpty()) {
            return label;
        }
        Object server = result.get("server");
        return server instanceof Map<?, ?> m ? String.valueOf(m.get("commandLine")) : "sori";
    }

    @SuppressWarnings("unchecked")
    static List<SvgChart.Point> points(Map<String, Object> result) {
        List<SvgChart.Point> pts = new ArrayList<>();
        Map<String, Object> body = (Map<String, Object>) result.get("result");
        for (Object o : (List<Object>) body.get("steps")) {
            Map<String, Object> s = (Map<String, Object>) o;
            Map<String, Object> lat = (Map<String, Object>) s.get("latencyMillis");
            pts.add(new SvgChart.Point(num(s.get("offeredDeliveriesPerSecond")), num(s.get("deliveriesPerSecond")),
                    num(lat.get("p50")), num(lat.get("p99")), num(lat.get("p99.9")),
                    num(s.get("serverCpuMicrosPerDelivery")), num(s.get("generatorCpuMicrosPerDelivery")),
                    num(s.get("generatorCpuPercentOfOneCore")), Boolean.TRUE.equals(s.get("ok"))));
        }
        return pts;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Reads a results file back into maps, lists, strings, numbers and booleans. */
    static Map<String, Object> readJson(Path file) throws IOException {
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(file)))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) plain(reader.readObject());
            return m;
        }
    }

    private static Object plain(JsonValue v) {
        switch (v.getValueType()) {
            case OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                ((JsonObject) v).forEach((k, x) -> m.put(k, plain(x)));
                return m;
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>();
                v.asJsonArray().forEach(x -> l.add(plain(x)));
                return l;
            }
            case STRING:
                return ((jakarta.json.JsonString) v).getString();
            case NUMBER:
                return ((JsonNumber) v).doubleValue();
            case TRUE:
                return Boolean.TRUE;
            case FALSE:
                return Boolean.FALSE;
            default:
                return null;
        }
    }
}
