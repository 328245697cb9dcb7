package dev.sori.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/server.jar} as a separate process, the way a user runs it. Reads the
 * URLs from the start-up line; keeps everything the process prints for failure messages.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening: page (\\S+) websocket (\\S+)");

    private final Process process;
    private final Path dataDir;
    private final List<String> output = new ArrayList<>();
    private final Thread reader;
    private final URI page;
    private final URI chat;

    private ServerProcess(List<String> command, Map<String, String> environment, Path dataDir) throws IOException {
        this(command, environment, dataDir, Duration.ofSeconds(30));
    }

    private ServerProcess(List<String> command, Map<String, String> environment, Path dataDir, Duration startTimeout)
            throws IOException {
        this.dataDir = dataDir;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        process = builder.start();
        CompletableFuture<Matcher> started = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        started.complete(m);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            started.completeExceptionally(new IllegalStateException("server exited before listening"));
        }, "server-output");
        reader.setDaemon(true);
        reader.start();
        this.reader = reader;
        try {
            Matcher m = started.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            page = URI.create(m.group(1));
            chat = URI.create(m.group(2));
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("server did not start: " + e + "\n" + output(), e);
        }
    }

    /**
     * Starts the packaged jar on 127.0.0.1 and a free port, with extra arguments. Unless they name
     * a database, it gets a fresh data directory of its own under {@code target/}.
     */
    public static ServerProcess start(String... args) {
        return start(Map.of(), args);
    }

    /** {@link #start(String...)} with extra environment variables (e.g. {@code SORI_*} settings). */
    public static ServerProcess start(Map<String, String> environment, String... args) {
        return start(List.of(), environment, args);
    }

    /**
     * {@link #start(Map, String...)} with options for the JVM itself, before {@code -jar}: the
     * server's test hooks are system properties (e.g. {@code -Dsori.test.halt-before-publishing=TEXT}).
     */
    public static ServerProcess start(List<String> jvmOptions, Map<String, String> environment, String... args) {
        List<String> command = command(jvmOptions, args);
        Path dataDir = null;
        if (!List.of(args).contains("--data-dir") && !List.of(args).contains("--db-url")) {
            dataDir = Path.of(command.get(command.indexOf("--data-dir") + 1));
        }
        try {
            return new ServerProcess(command, environment, dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server started by {@code command} as it is (a start script, say) rather than by
     * {@link #command}, once it prints its listening line within {@code startTimeout}.
     */
    public static ServerProcess startCommand(List<String> command, Map<String, String> environment,
                                             Duration startTimeout) {
        try {
            return new ServerProcess(command, environment, null, startTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How a server that was expected to refuse to start ended: its exit code and all it printed. */
    public record Exited(int code, String output) {
    }

    /**
     * Runs {@link #command}{@code (args)}, with {@code environment} added to its own, for a server
     * expected to refuse to start, and waits for it to exit; one still running after 60 s fails
     * the test instead of hanging it.
     */
    public static Exited runToExit(Map<String, String> environment, String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().putAll(environment);
        return runToExit(builder, Duration.ofSeconds(60));
    }

    /**
     * Starts {@code builder} (standard error merged into standard output) and waits for it to
     * exit; one still running after {@code timeout} fails the test instead of hanging it.
     */
    public static Exited runToExit(ProcessBuilder builder, Duration timeout) throws Exception {
        Process process = builder.redirectErrorStream(true).start();
        // Read on another thread: a server that does not exit must not block this one.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (var in = process.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("still running after " + timeout.toSeconds() + " s: " + builder.command());
        }
        return new Exited(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }

    /**
     * Options that turn off the abuse limits a test of something else would trip over: the request
     * rate limit (for tests that post faster than a person can) and the per-address connection cap
     * (every test client comes from 127.0.0.1). Only for such tests: the others run with the
     * defaults, as users get them.
     */
    public static final List<String> UNLIMITED_RATE_AND_CONNECTIONS =
            List.of("--rate-limit", "0", "--max-connections-per-address", "0");

    /** Like {@link #start}, with {@link #UNLIMITED_RATE_AND_CONNECTIONS} before {@code args}. */
    public static ServerProcess startUnlimited(String... args) {
        List<String> all = new ArrayList<>(UNLIMITED_RATE_AND_CONNECTIONS);
        all.addAll(List.of(args));
        return start(all.toArray(String[]::new));
    }

    /**
     * The command line {@link #start} runs: the jar on 127.0.0.1 and a free port, a fresh data
     * directory unless the arguments name a database, no warm-up unless they ask for one, then
     * the arguments. For tests that expect
     * the server to refuse to start.
     */
    public static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@link #command(String...)} with options for the JVM before {@code -jar}. */
    public static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(javaBinary()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", serverJar().toString(), "--host", "127.0.0.1", "--port", "0"));
        List<String> extra = List.of(args);
        if (!extra.contains("--data-dir") && !extra.contains("--db-url")) {
            command.add("--data-dir");
            command.add(freshDataDir().toString());
        }
        if (!extra.contains("--warm-up")) {
            // Hundreds of starts in the suite: each would spend the default warm-up first.
            // WarmUpIT runs it as users get it.
            command.addAll(List.of("--warm-up", "0"));
        }
        command.addAll(extra);
        return command;
    }

    /** A new empty directory under {@code target/test-data/}. */
    public static Path freshDataDir() {
        try {
            Path parent = Paths.get(System.getProperty("sori.targetDir", "target"), "test-data");
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, "data-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path serverJar() {
        Path jar = Paths.get(System.getProperty("sori.serverJar", "target/server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests with `mvn verify`");
        }
        return jar;
    }

    public static String javaBinary() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    public URI page() {
        return page;
    }

    public URI chat() {
        return chat;
    }

    /** The data directory this fixture made for the server, or null when the arguments chose one. */
    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Everything the process printed so far. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /**
     * Waits until everything the process printed contains each of {@code parts}, and returns it.
     * The server writes a log line before the frame that a test reacts to, but this side reads the
     * pipe on its own thread: asserting on {@link #output()} at once is a race.
     */
    public String awaitOutput(Duration timeout, String... parts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = output();
            if (Arrays.stream(parts).allMatch(text::contains)) {
                return text;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within " + timeout + " the server did not print all of "
                        + List.of(parts) + "; it printed:\n" + text);
            }
            Thread.sleep(20);
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        // SIGTERM on Unix. Through the handle: Process.destroy() also closes our end of the pipe,
        // and the server's shutdown lines would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server did not exit within " + timeout + " of SIGTERM\n" + output());
        }
        reader.join(5_000); // the last lines (the shutdown's) may still be in the pipe
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    /**
     * The server's used heap in bytes right after a full GC ({@code jcmd PID GC.run}, then
     * {@code GC.heap_info}): what it holds, measured in its own JVM so the test's allocations do not count.
     */
    public long heapUsedAfterGc() {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new AssertionError("no \"used\" in GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** {@code jcmd PID COMMAND}'s output (e.g. {@code VM.flags}); fails the test when jcmd does. */
    public String jcmd(String command) {
        String jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid()), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("jcmd " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
