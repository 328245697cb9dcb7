package dev.sori.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free port of 127.0.0.1, without persistence
 * ({@code --save '' --appendonly no}) and with a temporary directory of its own, so that a test
 * may kill it and start it again on the same port without touching the machine's shared Redis.
 * Absent {@code redis-server}, the calling tests are skipped (see {@link ClusterTools}).
 */
public final class RedisServer implements AutoCloseable {
    public static final Path BINARY = Paths.get(ClusterTools.setting("sori.test.redisServer",
            "SORI_TEST_REDIS_SERVER", "/usr/bin/redis-server"));
    private static final Duration READY = Duration.ofSeconds(10);

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one, or skips the calling test (fails it, if required) when redis-server is missing. */
    public static RedisServer startOrSkip() {
        ClusterTools.requireInstalled(BINARY, "redis-server",
                "install Debian's redis-server (src/test/scripts/cluster-setup.sh does)");
        RedisServer redis = new RedisServer(ClusterTools.freePort(), tempDir());
        redis.start();
        return redis;
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}, as the server's {@code --redis-url} takes it. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts it (again) on its port and waits until it answers {@code PING}. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("redis-server already runs on " + port);
        }
        List<String> command = List.of(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
                "--logfile", dir.resolve("redis.log").toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            try {
                if ("PONG".equals(command(Duration.ofMillis(500), "PING"))) {
                    return;
                }
            } catch (IOException | IllegalStateException e) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not start on " + port + ":\n" + log());
            }
            sleep(20);
        }
    }

    /** Kills it (SIGKILL: no goodbye to its clients, as when the machine dies) and waits for the exit. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on " + port + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        process = null;
    }

    /** {@link #stop}, then {@link #start} on the same port: an empty Redis, as after a restart. */
    public void restart() {
        stop();
        start();
    }

    /** Sends one command over a raw socket (RESP) and returns the reply; see {@link #command(int, Duration, String...)}. */
    public String command(Duration timeout, String... args) throws IOException {
        return command(port, timeout, args);
    }

    /**
     * One command to the Redis on 127.0.0.1:{@code port} over a fresh raw socket, in RESP: the
     * reply as text (a simple string or bulk string as it is, an integer in decimal, an array as
     * its elements one a line, a null as {@code null}); an error reply throws
     * {@link IllegalStateException}. Nothing of a client library is involved, so it tests the
     * fixture and not the code under test.
     */
    public static String command(int port, Duration timeout, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            return readReply(new BufferedInputStream(socket.getInputStream()));
        }
    }

    static byte[] encode(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(bytes, "*" + args.length + "\r\n");
        for (String arg : args) {
            byte[] b = arg.getBytes(StandardCharsets.UTF_8);
            write(bytes, "$" + b.length + "\r\n");
            bytes.writeBytes(b);
            write(bytes, "\r\n");
        }
        return bytes.toByteArray();
    }

    static String readReply(InputStream in) throws IOException {
        String line = readLine(in);
        if (line.isEmpty()) {
            throw new IOException("empty RESP reply");
        }
        String rest = line.substring(1);
        switch (line.charAt(0)) {
            case '+', ':' -> {
                return rest;
            }
            case '-' -> throw new IllegalStateException("Redis error: " + rest);
            case '$' -> {
                int length = Integer.parseInt(rest);
                if (length < 0) {
                    return "null";
                }
                byte[] data = in.readNBytes(length + 2);
                if (data.length < length + 2) {
                    throw new IOException("RESP bulk string cut short");
                }
                return new String(data, 0, length, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int count = Integer.parseInt(rest);
                if (count < 0) {
                    return "null";
                }
                List<String> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(readReply(in));
                }
                return String.join("\n", items);
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b; (b = in.read()) >= 0; previous = b) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("connection closed before the end of the RESP reply");
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** How many clients are connected to it now, not counting the connection that asks. */
    public int clientCount() throws IOException {
        return (int) command(Duration.ofSeconds(2), "CLIENT", "LIST").lines().filter(l -> !l.isBlank()).count() - 1;
    }

    /** What redis-server logged, for failure messages. */
    public String log() {
        try {
            Path log = dir.resolve("redis.log");
            Path out = dir.resolve("redis.out");
            return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "private redis-server on 127.0.0.1:" + port;
    }

    private static Path tempDir() {
        try {
            Path parent = Paths.get(System.getProperty("sori.targetDir", "target"), "test-data");
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "redis-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
