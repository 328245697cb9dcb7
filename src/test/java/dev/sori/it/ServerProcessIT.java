package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.ServerProcess.Exited;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar target/server.jar} as its users run it: options, start line, chat, SIGTERM. */
class ServerProcessIT {
    private static final Pattern START_LINE =
            Pattern.compile("listening: page http://([^/\\s]+):(\\d+)/ websocket ws://([^/\\s]+):(\\d+)/chat");

    /** Something only a stack trace prints. */
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by:",
            Pattern.MULTILINE);

    @Test
    void helpExitsZeroAndListsTheOptionsAndTheirEnvironmentVariables() throws Exception {
        Exited help = run(Map.of(), "--help");
        assertThat(help.code()).as(help.output()).isZero();
        assertThat(help.output()).contains("--host", "--port", "SORI_HOST", "SORI_PORT")
                .containsIgnoringCase("environment");
        assertThat(help.output()).doesNotContainPattern(STACK_TRACE);
    }

    @Test
    void versionExitsZero() throws Exception {
        Exited version = run(Map.of(), "--version");
        assertThat(version.code()).as(version.output()).isZero();
        assertThat(version.output()).containsIgnoringCase("sori");
    }

    @Test
    void anInvalidOptionExitsNonZeroWithUsage() throws Exception {
        for (String[] args : List.of(new String[] {"--port", "abc"}, new String[] {"--no-such-option"},
                new String[] {"--port", "0", "--ping-interval", "30", "--ping-timeout", "10"})) {
            Exited bad = run(Map.of(), args);
            assertThat(bad.code()).as("exit code of %s: %s", List.of(args), bad.output()).isNotZero();
            assertThat(bad.output()).as("output of %s", List.of(args)).contains("Usage").contains("--port");
            assertThat(bad.output()).as("output of %s", List.of(args)).doesNotContainPattern(STACK_TRACE);
        }
    }

    @Test
    void aTakenPortIsOneLineAndExitCodeTwoBeforeAnyWarmUp() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            long started = System.nanoTime();
            Exited run = run(Map.of(), "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()),
                    "--warm-up", "20", "--data-dir", "data");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(run.code()).as(run.output()).isEqualTo(2);
            assertThat(run.output()).contains("sori: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .containsIgnoringCase("in use").doesNotContain("warming up").doesNotContainPattern(STACK_TRACE);
            assertThat(millis).as("the 20 s warm-up was not spent first").isLessThan(15_000);
        }
    }

    @Test
    void theStartLineHasThePageAndWebSocketUrlsWithTheRealPort() throws Exception {
        try (ServerProcess server = ServerProcess.start()) { // --host 127.0.0.1 --port 0
            Matcher m = START_LINE.matcher(server.output());
            assertThat(m.find()).as(server.output()).isTrue();
            assertThat(m.group(1)).isEqualTo("127.0.0.1");
            int port = Integer.parseInt(m.group(2));
            assertThat(port).isPositive();
            assertThat(m.group(3)).isEqualTo("127.0.0.1");
            assertThat(Integer.parseInt(m.group(4))).isEqualTo(port);

            assertThat(ItSupport.get(server.page()).statusCode()).isEqualTo(200);
            assertThat(ItSupport.healthConnections(server.page())).isZero();
        }
    }

    @Test
    void theEnvironmentVariablesWork(@TempDir Path workDir) throws Exception {
        List<String> command = List.of(ServerProcess.javaBinary(), "-jar", ServerProcess.serverJar().toString());
        // Started from an empty directory, so that nothing the server may keep by default lands in the project.
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile());
        pb.environment().put("SORI_HOST", "127.0.0.1");
        pb.environment().put("SORI_PORT", "0");
        Process process = pb.start();
        try {
            StringBuilder output = new StringBuilder();
            CompletableFuture<Matcher> started = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        synchronized (output) {
                            output.append(line).append('\n');
                        }
                        Matcher m = START_LINE.matcher(line);
                        if (m.find()) {
                            started.complete(m);
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
                started.completeExceptionally(new AssertionError("no start line: " + output));
            });
            reader.setDaemon(true);
            reader.start();
            Matcher m = started.get(30, TimeUnit.SECONDS);
            assertThat(m.group(1)).isEqualTo("127.0.0.1");
            URI page = URI.create("http://127.0.0.1:" + m.group(2) + "/");
            assertThat(ItSupport.get(page).statusCode()).isEqualTo(200);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoClientsChatThroughTheProcess() {
        try (ServerProcess server = ServerProcess.start();
             TestClient a = TestClient.connect(server.chat()); TestClient b = TestClient.connect(server.chat())) {
            a.next(ItSupport.joinWithCount(2));
            b.next(ItSupport.joinWithCount(2));
            a.sendRaw("{\"type\":\"nickname\",\"payload\":\"nico\"}");
            a.sendRaw("{\"type\":\"new_message\",\"payload\":\"hello everyone!\"}");
            JsonObject m = b.next("message").getJsonObject("payload");
            assertThat(m.getString("nick")).isEqualTo("nico");
            assertThat(m.getString("text")).isEqualTo("hello everyone!");
            assertThat(m.getJsonNumber("seq").longValue()).isEqualTo(1);
            JsonObject ack = b.ack("new_message", TestClient.quote("hi nico"), "b1").asJsonObject();
            assertThat(ack.getJsonNumber("seq").longValue()).isEqualTo(2);
            assertThat(a.next("message").getJsonObject("payload").getString("text")).isEqualTo("hello everyone!");
            assertThat(a.next("message").getJsonObject("payload").getString("text")).isEqualTo("hi nico");
            assertThat(ItSupport.healthConnections(server.page())).isEqualTo(2);
        }
    }

    @Test
    void sigtermClosesEveryClientWith1001AndExitsQuicklyWithoutAStackTrace() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(TestClient.connect(server.chat()));
            }
            for (TestClient c : clients) {
                c.next(ItSupport.joinWithCount(3));
            }
            long signalled = System.nanoTime();
            int exit = server.terminate(Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            for (TestClient c : clients) {
                assertThat(c.awaitClose()).as("close code").isEqualTo(1001);
            }
            assertThat(took).as("time from SIGTERM to exit").isLessThan(Duration.ofSeconds(5));
            // 143 = 128 + SIGTERM, what the JVM reports after running its shutdown hooks; 0 is fine too.
            assertThat(exit).as("exit code; output:\n%s", server.output()).isIn(0, 143);
            assertThat(server.output()).doesNotContainPattern(STACK_TRACE);
            for (TestClient c : clients) {
                c.close();
            }
        }
    }

    @Test
    void tokensNeverAppearInTheLog() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            String token;
            try (TestClient a = TestClient.connect(server.chat())) {
                token = a.token();
                a.ack("nickname", TestClient.quote("secretive"), "n1");
                a.closeAndWait();
            }
            try (TestClient again = TestClient.connect(server.chat(), token)) {
                assertThat(again.nick()).isEqualTo("secretive");
                again.closeAndWait();
            }
            server.terminate(Duration.ofSeconds(10));
            assertThat(server.output()).contains("connect").doesNotContain(token);
        }
    }

    /**
     * A client that sends a frame over 64 KiB is closed with 1009, as the protocol allows; but
     * the server also logs it as {@code SEVERE internal error sid=-, closing with 1011} with the
     * full stack trace of Tyrus's {@code MessageTooBigException}. {@code ChatEndpoint.error}
     * treats every non-IOException as a server bug; and Tyrus calls {@code @OnError} after
     * {@code @OnClose}, apparently on a fresh endpoint instance, hence {@code sid=-}. A client's
     * abuse should not read like a crash in the operator's log.
     */
    @Test
    void anOversizedFrameIsNotLoggedAsAnInternalError() throws Exception {
        try (ServerProcess server = ServerProcess.start(); TestClient a = TestClient.connect(server.chat())) {
            a.send("new_message", TestClient.quote("b".repeat(70 * 1024)), "big");
            assertThat(a.awaitClose()).isEqualTo(1009);
            ItSupport.awaitValue("connections in /healthz", 0, () -> ItSupport.healthConnections(server.page()));
            server.terminate(Duration.ofSeconds(10));
            assertThat(server.output()).doesNotContain("SEVERE").doesNotContain("internal error")
                    .doesNotContainPattern(STACK_TRACE);
        }
    }

    /**
     * With the JVM's defaults the jar makes its collector give memory back when idle (issue 19):
     * three flags set at start-up, said in one line, and really in force in the JVM; a flag the
     * user gave is never overridden, and a value the JVM refuses next to it is skipped quietly.
     */
    @Test
    void withTheJvmsDefaultsTheServerGivesMemoryBackWhenIdleAndAUsersFlagWins() throws Exception {
        try (ServerProcess server = ServerProcess.start()) {
            server.awaitOutput(Duration.ofSeconds(10), "memory: given back when idle (MinHeapFreeRatio=10, "
                    + "MaxHeapFreeRatio=20, G1PeriodicGCInterval=30000; a flag on the command line wins)");
            assertThat(server.jcmd("VM.flags")).contains("-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20",
                    "-XX:G1PeriodicGCInterval=30000");
        }
        // The user's minimum ratio stands, and it puts 20 % out of reach for the maximum: only the
        // periodic collection is applied.
        try (ServerProcess server = ServerProcess.start(List.of("-XX:MinHeapFreeRatio=50"), Map.of())) {
            server.awaitOutput(Duration.ofSeconds(10), "memory: given back when idle (G1PeriodicGCInterval=30000;");
            assertThat(server.jcmd("VM.flags")).contains("-XX:MinHeapFreeRatio=50", "-XX:G1PeriodicGCInterval=30000")
                    .doesNotContain("-XX:MaxHeapFreeRatio=20");
        }
        for (List<String> chosen : List.of(
                List.of("-XX:MinHeapFreeRatio=40", "-XX:MaxHeapFreeRatio=70", "-XX:G1PeriodicGCInterval=0"),
                List.of("-XX:+UseSerialGC"))) { // another collector: its own sizing, left alone
            try (ServerProcess server = ServerProcess.start(chosen, Map.of())) {
                String out = server.awaitOutput(Duration.ofSeconds(10), "WebSocket origins:");
                assertThat(out).as("with %s", chosen).doesNotContain("memory: given back");
                assertThat(out).doesNotContainPattern(STACK_TRACE);
                assertThat(server.jcmd("VM.flags")).doesNotContain("-XX:MaxHeapFreeRatio=20");
            }
        }
    }

    /** {@code java -jar server.jar ARGS} as typed, from an empty directory of its own, to its exit. */
    private static Exited run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaBinary(), "-jar",
                ServerProcess.serverJar().toString()));
        command.addAll(List.of(args));
        Path workDir = Files.createTempDirectory("sori-run");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        pb.environment().putAll(env);
        Exited run = ServerProcess.runToExit(pb, Duration.ofSeconds(30));
        try (var leftovers = Files.walk(workDir)) {
            leftovers.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        return run;
    }
}
