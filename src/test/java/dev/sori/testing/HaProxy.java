package dev.sori.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy in front of Sori nodes, configured as docs/deploy.md tells users to: HTTP
 * mode (the upgrade passes through), {@code timeout tunnel 1h} so idle WebSockets live,
 * {@code option forwardfor}, round robin, and a health check on {@code /healthz}. A stats page
 * ({@code /haproxy-stats;csv}) lets a test see which backends HAProxy thinks are up.
 * Skipped without {@code /usr/sbin/haproxy} unless required ({@link ClusterTools}); install it
 * with {@code src/test/scripts/cluster-setup.sh}.
 */
public final class HaProxy implements AutoCloseable {
    public static final Path BINARY = Paths.get(ClusterTools.setting("sori.test.haproxy", "SORI_TEST_HAPROXY",
            "/usr/sbin/haproxy"));
    private static final String STATS = "/haproxy-stats";

    private final int port;
    private final Path dir;
    private final Path config;
    private Process process;

    private HaProxy(int port, Path dir, Path config) {
        this.port = port;
        this.dir = dir;
        this.config = config;
    }

    /** HAProxy in front of the running nodes of {@code cluster}, named by their node ids. */
    public static HaProxy startOrSkip(Cluster cluster) {
        Map<String, URI> backends = new LinkedHashMap<>();
        for (Cluster.Node n : cluster.running()) {
            backends.put(n.id(), n.page());
        }
        return startOrSkip(backends);
    }

    /** HAProxy in front of the given backends (name to {@code http://127.0.0.1:PORT/}), once every one is up. */
    public static HaProxy startOrSkip(Map<String, URI> backends) {
        ClusterTools.requireInstalled(BINARY, "HAProxy",
                "install Debian's haproxy (src/test/scripts/cluster-setup.sh does)");
        int port = ClusterTools.freePort();
        try {
            Path parent = Paths.get(System.getProperty("sori.targetDir", "target"), "test-data");
            Files.createDirectories(parent);
            Path dir = Files.createTempDirectory(parent, "haproxy-").toAbsolutePath();
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, config(port, backends));
            HaProxy haproxy = new HaProxy(port, dir, config);
            haproxy.start();
            haproxy.awaitAllUp(backends.keySet().stream().toList(), Duration.ofSeconds(10));
            return haproxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The configuration for {@code backends} behind 127.0.0.1:{@code port}. */
    public static String config(int port, Map<String, URI> backends) {
        StringBuilder servers = new StringBuilder();
        backends.forEach((name, page) -> servers.append("    server ").append(name).append(' ')
                .append(page.getHost()).append(':').append(page.getPort()).append(" check\n"));
        return """
                global
                    # Within the file-descriptor limit of a test machine (HAProxy needs two a connection).
                    maxconn 8000

                defaults
                    mode http
                    option forwardfor
                    # A connection refused by a node that just died is tried on another one.
                    option redispatch
                    retries 2
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                    # Once upgraded, a WebSocket is a tunnel: idle chats must not be cut after 30 s.
                    timeout tunnel 1h
                    timeout client-fin 5s

                frontend sori
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri %s
                    stats refresh 0
                    default_backend nodes

                backend nodes
                    balance roundrobin
                    option httpchk
                    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host sori
                    http-check expect status 200
                    default-server inter 500ms fall 2 rise 1
                %s""".formatted(port, STATS, servers);
    }

    private void start() throws IOException {
        // -db: in the foreground, so the test owns the process and its exit.
        process = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("haproxy.out").toFile()).start();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI page() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    /** {@code ws://127.0.0.1:PORT/chat}. */
    public URI chat() {
        return URI.create("ws://127.0.0.1:" + port + "/chat");
    }

    public Path configFile() {
        return config;
    }

    /** The configuration it runs with. */
    public String config() {
        try {
            return Files.readString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Each backend's status as HAProxy sees it ({@code UP}, {@code DOWN}, {@code UP 1/2}…). */
    public Map<String, String> serverStatus() {
        HttpResponse<String> csv = Cluster.get(page().resolve(STATS + ";csv"));
        Map<String, String> status = new LinkedHashMap<>();
        for (String line : csv.body().split("\n")) {
            String[] f = line.split(",", -1);
            // pxname,svname,...: field 17 is status
            if (f.length > 17 && f[0].equals("nodes") && !f[1].equals("BACKEND")) {
                status.put(f[1], f[17]);
            }
        }
        return status;
    }

    /** Waits until HAProxy reports {@code server} with {@code wanted} status ({@code UP}, {@code DOWN}). */
    public void awaitStatus(String server, String wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> last = Map.of();
        while (true) {
            try {
                last = serverStatus();
                if (wanted.equals(last.get(server))) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited:\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("HAProxy did not report " + server + " " + wanted + " within " + timeout
                        + "; statuses: " + last + "\n" + output());
            }
            sleep(50);
        }
    }

    private void awaitAllUp(List<String> servers, Duration timeout) {
        for (String s : servers) {
            awaitStatus(s, "UP", timeout);
        }
    }

    /** What HAProxy printed. */
    public String output() {
        try {
            Path out = dir.resolve("haproxy.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "HAProxy on 127.0.0.1:" + port;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
