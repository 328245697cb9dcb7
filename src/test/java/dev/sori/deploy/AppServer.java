package dev.sori.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real application server as a child process with {@code target/sori.war} deployed at
 * {@code /sori}, on free ports of 127.0.0.1. {@link #start} returns once the server's log says it
 * is ready <em>and</em> {@code GET /sori/healthz} answers, or fails within {@link #START_LIMIT}
 * with the server's log. {@link #close} stops the whole process tree (politely, then by force)
 * and deletes what the run left in {@code target/appservers/runs/NAME} except the log; it also
 * runs from a shutdown hook, so an interrupted test run leaves no server behind.
 */
abstract class AppServer implements AutoCloseable {
    /** How long a server may take from launch to ready; CI machines are slow and shared. */
    static final Duration START_LIMIT = Duration.ofSeconds(Long.getLong("sori.appserverStartSeconds", 240));
    static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    static final String CONTEXT_PATH = "/sori";

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*m");
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    protected final String name;
    protected final Path runDir;
    protected final Path logFile;
    /** Environment variables for the server process, on top of a cleaned copy of ours. */
    protected final Map<String, String> environment = new LinkedHashMap<>();
    /** System properties for the server JVM ({@code -Dname=value}). */
    protected final Map<String, String> systemProperties = new LinkedHashMap<>();

    private Process process;
    private Thread shutdownHook;
    private int httpPort;
    private Duration startTime;

    protected AppServer(String name) {
        this.name = name;
        this.runDir = targetDir().resolve("appservers").resolve("runs").resolve(name).toAbsolutePath();
        this.logFile = runDir.resolve("server.log");
    }

    // ---- what each server does differently ----

    /** How many free ports the server needs; the first is HTTP. */
    protected abstract int portsNeeded();

    /** Lays out whatever the server needs in {@link #runDir} (fresh and empty) before launch. */
    protected abstract void prepare() throws IOException;

    /** The command line that starts the server on {@code ports} with {@link #systemProperties}. */
    protected abstract List<String> command(int[] ports);

    /** True once the log says the server is up with the application deployed. */
    protected abstract boolean logSaysReady(String log);

    /** A reason when the log or the run directory shows that the start has failed, else null. */
    protected abstract String failure(String log);

    // ---- the common part ----

    /** Launches the server and waits until it is ready; retries once if a port was taken meanwhile. */
    final AppServer start() {
        for (int attempt = 1; ; attempt++) {
            try {
                launchAndAwaitReady();
                return this;
            } catch (RuntimeException | Error e) {
                String log = log();
                stopProcessTree();
                boolean portTaken = log.contains("Address already in use") || log.contains("BindException");
                if (attempt == 1 && portTaken) {
                    System.out.println("[" + name + "] a port was taken meanwhile; retrying on other ports");
                    continue;
                }
                removeShutdownHook();
                throw new AssertionError(name + " did not start: " + e.getMessage() + "\n" + logTail(200), e);
            }
        }
    }

    private void launchAndAwaitReady() {
        try {
            deleteRecursively(runDir);
            Files.createDirectories(runDir);
            prepare();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int[] ports = freePorts(portsNeeded());
        httpPort = ports[0];
        ProcessBuilder builder = new ProcessBuilder(command(ports))
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Map<String, String> env = builder.environment();
        // Nothing from the caller's shell may steer the server: only what the test sets.
        env.keySet().removeIf(k -> k.startsWith("SORI_") || k.startsWith("JBOSS_") || k.equals("JAVA_OPTS")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS") || k.startsWith("PAYARA_"));
        env.put("JAVA_HOME", javaHome().toString());
        env.putAll(environment);

        System.out.println("[" + name + "] starting: " + String.join(" ", builder.command()));
        long started = System.nanoTime();
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::stopProcessTree, name + "-cleanup");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }

        long deadline = started + START_LIMIT.toNanos();
        boolean logReady = false;
        String lastHealth = "not asked yet";
        while (true) {
            String log = log();
            String failed = failure(log);
            if (failed != null) {
                throw new AssertionError(failed);
            }
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with code " + process.exitValue() + " before it was ready");
            }
            logReady = logReady || logSaysReady(log);
            if (logReady) {
                try {
                    HttpResponse<String> health = get("healthz");
                    if (health.statusCode() == 200
                            && health.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                        break;
                    }
                    lastHealth = health.statusCode() + " " + health.body();
                } catch (UncheckedIOException e) {
                    lastHealth = e.getCause().toString();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not ready within " + START_LIMIT.toSeconds() + " s (log says ready: "
                        + logReady + "; last GET " + CONTEXT_PATH + "/healthz: " + lastHealth + ")");
            }
            sleep(250);
        }
        startTime = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("[%s] ready in %.1f s at %s (log: %s)%n", name, startTime.toMillis() / 1000.0, base(), logFile);
    }

    /** Launch to ready, once started. */
    Duration startTime() {
        return startTime;
    }

    /** {@code http://127.0.0.1:PORT/sori/} */
    URI base() {
        return URI.create("http://127.0.0.1:" + httpPort + CONTEXT_PATH + "/");
    }

    /** {@code ws://127.0.0.1:PORT/sori/chat} */
    URI chat() {
        return URI.create("ws://127.0.0.1:" + httpPort + CONTEXT_PATH + "/chat");
    }

    /** GET a path relative to the context path. */
    HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(10)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Everything the server printed so far, colour codes removed. */
    String log() {
        try {
            if (!Files.exists(logFile)) {
                return "";
            }
            return ANSI.matcher(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)).replaceAll("");
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    /** The last {@code lines} lines of the log, framed, for failure messages. */
    String logTail(int lines) {
        List<String> all = log().lines().toList();
        List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
        return "----- last " + tail.size() + " of " + all.size() + " lines of " + logFile + " -----\n"
                + String.join("\n", tail) + "\n----- end of " + name + " log -----";
    }

    /**
     * Stops the server: SIGTERM to every process of its tree (the JVM shuts down in order and
     * undeploys), SIGKILL to whatever is left after {@link #STOP_LIMIT}. Returns true when it
     * stopped by itself.
     */
    boolean stop() {
        boolean orderly = stopProcessTree();
        removeShutdownHook();
        return orderly;
    }

    @Override
    public void close() {
        stop();
        cleanUp();
    }

    private synchronized boolean stopProcessTree() {
        if (process == null) {
            return true;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        boolean orderly = true;
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                orderly = false;
            }
        }
        if (!orderly) {
            System.out.println("[" + name + "] did not stop within " + STOP_LIMIT.toSeconds() + " s of SIGTERM: killing");
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            tree.forEach(ProcessHandle::destroyForcibly);
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
        return orderly;
    }

    private void removeShutdownHook() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
            shutdownHook = null;
        }
    }

    /** Deletes everything the run left but the log. */
    private void cleanUp() {
        try (Stream<Path> children = Files.exists(runDir) ? Files.list(runDir) : Stream.empty()) {
            for (Path child : children.toList()) {
                if (!child.equals(logFile)) {
                    deleteRecursively(child);
                }
            }
        } catch (IOException e) {
            System.out.println("[" + name + "] could not clean up " + runDir + ": " + e);
        }
    }

    // ---- helpers ----

    static Path targetDir() {
        return Paths.get(System.getProperty("sori.targetDir", "target"));
    }

    static Path war() {
        return existing(Paths.get(System.getProperty("sori.war", "target/sori.war")), "the WAR");
    }

    static Path existing(Path path, String what) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(what + " is missing at " + path.toAbsolutePath()
                    + ": run the deployment tests with `mvn verify`, which builds and fetches it");
        }
        return path.toAbsolutePath();
    }

    static Path javaHome() {
        return Paths.get(System.getProperty("java.home"));
    }

    static String javaBinary() {
        return javaHome().resolve("bin").resolve("java").toString();
    }

    /** Ports free on 127.0.0.1 right now, all different. */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // ignore
                }
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
