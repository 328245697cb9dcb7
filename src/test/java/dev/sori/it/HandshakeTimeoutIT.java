package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Connections that never become a request: one that sends nothing, one that trickles its upgrade
 * request a byte at a time (slowloris), one kept alive after a response and left idle. Each is
 * closed at {@code --handshake-timeout} (2 s here) after it connected or got its response,
 * however busy it keeps itself; meanwhile WebSocket users chat on, also well past the timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HandshakeTimeoutIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** The server checks deadlines every TIMEOUT/4; the machine is loaded and shared. */
    private static final Duration MARGIN = Duration.ofSeconds(4);

    private ServerProcess server;

    @BeforeAll
    void start() {
        server = ServerProcess.start("--handshake-timeout", Long.toString(TIMEOUT.toSeconds()));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheDeadline() throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), TIMEOUT.plus(MARGIN).plus(MARGIN))) {
            long started = System.nanoTime();
            assertThat(RawHttp.closedByServer(socket)).as("closed by the server").isTrue();
            Duration open = Duration.ofNanos(System.nanoTime() - started);
            assertThat(open).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(100)).isLessThan(TIMEOUT.plus(MARGIN));
        }
    }

    @Test
    void anUpgradeRequestTrickledByteByByteIsClosedAtTheDeadlineWhileOthersChat() throws Exception {
        byte[] request = RawHttp.upgradeRequest(server.page(), null).getBytes(StandardCharsets.US_ASCII);
        try (TestClient a = TestClient.connect(server.chat()); TestClient b = TestClient.connect(server.chat());
             Socket slow = RawHttp.connect(server.page(), TIMEOUT.plus(MARGIN).plus(MARGIN))) {
            long started = System.nanoTime();
            // One byte every 500 ms: the whole request would take over a minute.
            CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> trickle(slow, request, 500));
            CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawHttp.closedByServer(slow);
                } catch (IOException e) {
                    return true;
                }
            });

            // Meanwhile, and past the deadline, the WebSocket users chat as usual.
            int round = 0;
            while (!closed.isDone() || round < 3) {
                String text = "round " + round++;
                a.send("new_message", TestClient.quote(text), null);
                assertThat(b.next("message").getJsonObject("payload").getString("text")).isEqualTo(text);
                Thread.sleep(300);
            }
            assertThat(closed.get(1, TimeUnit.SECONDS)).as("the trickling connection was closed").isTrue();
            Duration open = Duration.ofNanos(System.nanoTime() - started);
            int bytesSent = sent.get(TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(bytesSent).as("bytes trickled before the close").isLessThan(request.length).isPositive();
            assertThat(open).isLessThan(TIMEOUT.plus(MARGIN));

            Thread.sleep(TIMEOUT.toMillis()); // a and b are now well past the handshake timeout
            assertThat(a.isOpen()).isTrue();
            assertThat(b.isOpen()).isTrue();
            a.clear();
            b.send("new_message", TestClient.quote("still here"), null);
            assertThat(a.next("message").getJsonObject("payload").getString("text")).isEqualTo("still here");
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheTimeout() throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), TIMEOUT.plus(MARGIN).plus(MARGIN))) {
            OutputStream out = socket.getOutputStream();
            String get = "GET /healthz HTTP/1.1\r\nHost: " + server.page().getAuthority() + "\r\n\r\n";
            InputStream in = socket.getInputStream();
            // Two requests on the one connection, each answered: keep-alive works within the timeout.
            for (int i = 0; i < 2; i++) {
                out.write(get.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = RawHttp.readHead(in);
                assertThat(RawHttp.status(head)).as(head).isEqualTo(200);
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
                assertThat(in.readNBytes(length)).hasSize(length);
                Thread.sleep(TIMEOUT.toMillis() / 2);
            }
            long idleSince = System.nanoTime();
            assertThat(RawHttp.closedByServer(socket)).as("closed by the server").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isLessThan(TIMEOUT.plus(MARGIN));
        }
    }

    @Test
    void theRefusalsAreLoggedOneLineEach() throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), TIMEOUT.plus(MARGIN).plus(MARGIN))) {
            assertThat(RawHttp.closedByServer(socket)).isTrue();
        }
        ItSupport.awaitValue("the close in the log", true,
                () -> server.output().contains("no complete request within 2000 ms"));
    }

    /** Sends {@code bytes} one at a time, {@code pauseMillis} apart, until done or the server closes; returns how many went. */
    private static int trickle(Socket socket, byte[] bytes, long pauseMillis) {
        int sent = 0;
        try {
            OutputStream out = socket.getOutputStream();
            for (byte b : bytes) {
                out.write(b);
                out.flush();
                sent++;
                Thread.sleep(pauseMillis);
            }
        } catch (IOException e) {
            // closed by the server: what the test expects
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sent;
    }
}
