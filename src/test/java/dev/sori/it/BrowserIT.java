package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.sori.testing.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
 *
 * <p>Chromium and playwright-core are installed by {@code setup.sh} in pre-integration-test.
 * When they are missing this test fails rather than skips: a browser test that quietly does not
 * run looks exactly like one that passes. Only {@code -DskipBrowserTests} skips it.
 */
class BrowserIT {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(120);
    private static final Path BROWSER_DIR = Paths.get("src", "test", "browser");
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    @Test
    void chatPageWorksInChromium() throws Exception {
        assumeFalse(Boolean.getBoolean("sori.skipBrowserTests"), "browser tests skipped by -DskipBrowserTests");
        requireInstalled(CHROMIUM, "Debian chromium");
        requireInstalled(BROWSER_DIR.resolve("node_modules/playwright-core/package.json"), "playwright-core");

        Path targetDir = Paths.get(System.getProperty("sori.targetDir", "target")).toAbsolutePath();
        Path screenshot = targetDir.resolve("browser-chat.png");
        Files.deleteIfExists(screenshot);

        try (ServerProcess server = ServerProcess.start()) {
            ProcessBuilder node = new ProcessBuilder("node", "chat.test.mjs")
                    .directory(BROWSER_DIR.toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = node.environment();
            env.put("SORI_URL", server.page().toString());
            env.put("SORI_SCREENSHOT_DIR", targetDir.toString());
            // For the restart scenario: the script stops this server and starts its own on the same port.
            env.put("SORI_SERVER_PID", Long.toString(server.pid()));
            env.put("SORI_SERVER_JAR", ServerProcess.serverJar().toAbsolutePath().toString());
            env.put("SORI_JAVA", ServerProcess.javaBinary());

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
                fail("the browser test did not finish within " + NODE_TIMEOUT + "\n" + join(output)
                        + "\n--- server ---\n" + server.output());
            }
            pump.join(5_000);
            assertThat(process.exitValue())
                    .as("exit code of chat.test.mjs\n%s\n--- server ---\n%s", join(output), server.output())
                    .isZero();
        }
        assertThat(screenshot).as("the screenshot the browser test saves").isNotEmptyFile();
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
