package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sori.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The chat page in a real browser: {@code src/test/browser/chat.test.mjs} drives Debian's
 * Chromium through two pages (English and Korean) against the packaged server, then stops that
 * server, starts another on the same port and watches the page reconnect.
 * {@code src/test/browser/rooms.test.mjs}, against a server of its own, goes through the rooms:
 * the lobby, a passworded room, typing, a reload, older pages, recovery with {@code since},
 * a full room and deletion. {@code src/test/browser/presence.test.mjs} fills {@code general}
 * past 100 members from inside a page and checks the coalesced join and leave lines.
 * {@code src/test/browser/identity.test.mjs} tells people apart by uid (two of one name and
 * colour, one person in two tabs), loses a message on its way while a draft is in the box, and a
 * message's ack: each is posted once. {@code src/test/browser/findings.test.mjs} checks the fixed
 * findings of issue 15 (phone layout, bidi text, the password backoff's wait, full locked rooms,
 * links to locked rooms, long pastes); {@code src/test/browser/embed.test.mjs} runs the embedding
 * example of docs/client.md on a page of another origin.
 *
 * <p>Chromium and playwright-core are installed by {@code setup.sh} in pre-integration-test.
 * When they are missing this test fails rather than skips: a browser test that quietly does not
 * run looks exactly like one that passes. Only {@code -DskipBrowserTests} skips it.
 */
class BrowserIT {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(180);
    private static final Path BROWSER_DIR = Paths.get("src", "test", "browser");
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    @Test
    void chatPageWorksInChromium() throws Exception {
        Path screenshot = prepare("browser-chat.png");
        try (ServerProcess server = ServerProcess.start()) {
            // For the restart scenario: the script stops this server and starts its own on the same port.
            run("chat.test.mjs", server, Map.of(
                    "SORI_SERVER_PID", Long.toString(server.pid()),
                    "SORI_SERVER_JAR", ServerProcess.serverJar().toAbsolutePath().toString(),
                    "SORI_JAVA", ServerProcess.javaBinary(),
                    // the restarted server keeps this one's data (and never writes into the source tree)
                    "SORI_DATA_DIR", server.dataDir().toAbsolutePath().toString()));
        }
        assertThat(screenshot).as("the screenshot the browser test saves").isNotEmptyFile();
    }

    @Test
    void roomsWorkInChromium() throws Exception {
        Path screenshot = prepare("browser-rooms.png");
        try (ServerProcess server = ServerProcess.start()) {
            run("rooms.test.mjs", server, Map.of());
        }
        assertThat(screenshot).as("the screenshot the rooms browser test saves").isNotEmptyFile();
    }

    @Test
    void identitiesAreToldApartInChromium() throws Exception {
        Path screenshot = prepare("browser-identity.png");
        try (ServerProcess server = ServerProcess.start()) {
            run("identity.test.mjs", server, Map.of());
        }
        assertThat(screenshot).as("the screenshot the identity browser test saves").isNotEmptyFile();
    }

    @Test
    void coalescedPresenceShowsInChromium() throws Exception {
        Path screenshot = prepare("browser-presence-en.png");
        // 150 connections from 127.0.0.1: over the default per-address cap (64)
        try (ServerProcess server = ServerProcess.start("--max-connections-per-address", "0")) {
            run("presence.test.mjs", server, Map.of());
        }
        assertThat(screenshot).as("the screenshot the presence browser test saves").isNotEmptyFile();
    }

    @Test
    void issue15FindingsStayFixedInChromium() throws Exception {
        Path screenshot = prepare("browser-findings.png");
        // One wrong password before the backoff, so that the dialog's "try again in N s" comes at once.
        try (ServerProcess server = ServerProcess.start("--password-attempts", "1")) {
            run("findings.test.mjs", server, Map.of());
        }
        assertThat(screenshot).as("the screenshot the findings browser test saves").isNotEmptyFile();
    }

    @Test
    void theEmbeddingExampleWorks() throws Exception {
        Path screenshot = prepare("browser-embed.png");
        int sitePort = freePort();
        // The example of docs/client.md on a page of another origin, which the server must allow.
        try (ServerProcess server = ServerProcess.start("--allowed-origins", "http://127.0.0.1:" + sitePort)) {
            run("embed.test.mjs", server, Map.of("SORI_EMBED_PORT", Integer.toString(sitePort)));
        }
        assertThat(screenshot).as("the screenshot the embedding browser test saves").isNotEmptyFile();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Checks the prerequisites and removes the screenshot a previous run left behind. */
    private static Path prepare(String screenshotName) throws IOException {
        assumeFalse(Boolean.getBoolean("sori.skipBrowserTests"), "browser tests skipped by -DskipBrowserTests");
        requireInstalled(CHROMIUM, "Debian chromium");
        requireInstalled(BROWSER_DIR.resolve("node_modules/playwright-core/package.json"), "playwright-core");
        Path screenshot = targetDir().resolve(screenshotName);
        Files.deleteIfExists(screenshot);
        return screenshot;
    }

    private static Path targetDir() {
        return Paths.get(System.getProperty("sori.targetDir", "target")).toAbsolutePath();
    }

    /** Runs one script of src/test/browser against {@code server}; fails with its output unless it exits 0. */
    private static void run(String script, ServerProcess server, Map<String, String> extraEnv) throws Exception {
        ProcessBuilder node = new ProcessBuilder("node", script)
                .directory(BROWSER_DIR.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = node.environment();
        env.put("SORI_URL", server.page().toString());
        env.put("SORI_SCREENSHOT_DIR", targetDir().toString());
        env.putAll(extraEnv);

        Process process = node.start();
        List<String> output = new ArrayList<>();
        Thread pump = new Thread(() -> pump(process, output), "browser-test-output");
        pump.setDaemon(true);
        pump.start();

        if (!process.waitFor(NODE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            // The script may have started a server of its own: take it down too.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            pump.join(5_000);
            fail(script + " did not finish within " + NODE_TIMEOUT + "\n" + join(output)
                    + "\n--- server ---\n" + server.output());
        }
        pump.join(5_000);
        assertThat(process.exitValue())
                .as("exit code of %s\n%s\n--- server ---\n%s", script, join(output), server.output())
                .isZero();
    }

    private static void requireInstalled(Path path, String what) {
        if (!Files.exists(path)) {
            fail(what + " is missing (" + path + "): src/test/browser/setup.sh installs it in `mvn verify`; "
                    + "run `bash src/test/browser/setup.sh`, or skip browser tests with -DskipBrowserTests");
        }
    }

    /** Prints the script's lines as they come, so a hang shows where it stopped, and keeps them. */
    private static void pump(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("[browser] " + line);
                synchronized (output) {
                    output.add(line);
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit code tells the rest
        }
    }

    private static String join(List<String> output) {
        synchronized (output) {
            return String.join("\n", output);
        }
    }
}
