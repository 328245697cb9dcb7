package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.Hub;
import dev.sori.http.Route;
import dev.sori.http.Routes;
import dev.sori.server.EdgeSettings;
import dev.sori.server.StandaloneServer;
import dev.sori.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A request body (an upload) on the real standalone server, with a handshake timeout of 1 s and
 * the default minimum body rate (1 KiB/s): a steady upload lasting several timeouts gets through
 * whole; one that stalls, or trickles below the rate, is closed before the route answers. The
 * route is a test's own (it counts the bytes it reads), added to Sori's routes the way a real
 * endpoint is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBodyDeadlineIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Deadlines are checked every TIMEOUT/4; a body is judged over a whole period; the machine is shared. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(8);

    private Hub hub;
    private StandaloneServer server;
    private URI base;

    @BeforeAll
    void start() throws IOException {
        hub = new Hub(ChatSettings.defaults(), "test");
        Routes routes = Routes.standard(hub, "test").with(Route.post("/count", exchange -> {
            long count = 0;
            byte[] buffer = new byte[8192];
            try (InputStream body = exchange.requestBody()) {
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    count += n;
                }
            }
            exchange.respond(200, "text/plain", Long.toString(count));
        }));
        server = StandaloneServer.start("127.0.0.1", 0, hub,
                EdgeSettings.defaults().withHandshakeTimeout(TIMEOUT), routes);
        base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    }

    @AfterAll
    void stop() {
        hub.close();
        server.close();
    }

    @Test
    void aSteadyUploadLastingFourTimeoutsGetsThroughWhole() throws Exception {
        int parts = 20;
        byte[] part = new byte[2048];
        Arrays.fill(part, (byte) 'x');
        try (Socket socket = RawHttp.connect(base, CLOSED_WITHIN.multipliedBy(2))) {
            OutputStream out = socket.getOutputStream();
            long started = System.nanoTime();
            out.write(head("POST", "/count", "Content-Length: " + parts * part.length));
            out.flush();
            for (int i = 0; i < parts; i++) {
                Thread.sleep(200); // 10 KiB/s, ten times the minimum; 4 s in all
                out.write(part);
                out.flush();
            }
            String response = readResponse(socket.getInputStream());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the upload took").isGreaterThan(TIMEOUT.multipliedBy(3));
            assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
            assertThat(response).endsWith("\r\n\r\n" + parts * part.length);
        }
    }

    @Test
    void aChunkedSteadyUploadGetsThroughWhole() throws Exception {
        try (Socket socket = RawHttp.connect(base, CLOSED_WITHIN.multipliedBy(2))) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/count", "Transfer-Encoding: chunked"));
            out.flush();
            byte[] chunk = ("800\r\n" + "y".repeat(2048) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 12; i++) {
                Thread.sleep(200); // 2.4 s, over two timeouts
                out.write(chunk);
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = readResponse(socket.getInputStream());
            assertThat(RawHttp.status(response)).as(response).isEqualTo(200);
            assertThat(response).endsWith("\r\n\r\n" + 12 * 2048);
        }
    }

    @Test
    void aBodyThatStallsIsClosedWithoutAnAnswer() throws Exception {
        try (LogCapture log = LogCapture.of("dev.sori.server");
             Socket socket = RawHttp.connect(base, CLOSED_WITHIN)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/count", "Content-Length: 100000"));
            out.write(new byte[4096]);
            out.flush();
            assertThat(receivedBeforeClose(socket)).as("bytes the server sent before closing").isEmpty();
            ItSupport.awaitValue("the close in the log", true, () -> log.records().stream()
                    .anyMatch(r -> r.getMessage().startsWith("closed connection from {0}: request body slower than")));
        }
    }

    @Test
    void aBodyTrickledBelowTheRateIsClosedWithoutAnAnswer() throws Exception {
        try (Socket socket = RawHttp.connect(base, CLOSED_WITHIN)) {
            OutputStream out = socket.getOutputStream();
            out.write(head("POST", "/count", "Content-Length: 100000"));
            out.flush();
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 1000; i++) { // 100 bytes/s, a tenth of the minimum
                        out.write(new byte[10]);
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server: what the test expects
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            assertThat(receivedBeforeClose(socket)).as("bytes the server sent before closing").isEmpty();
            trickle.interrupt();
        }
    }

    @Test
    void aRequestWithoutBodyIsStillTimedFromTheAccept() throws Exception {
        try (Socket socket = RawHttp.connect(base, CLOSED_WITHIN)) {
            socket.getOutputStream().write("POST /count HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(receivedBeforeClose(socket)).isEmpty();
        }
    }

    private byte[] head(String method, String path, String header) {
        return (method + " " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\n" + header + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The whole response (head and body) of a response with Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        String head = RawHttp.readHead(in);
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** Everything the server sends until it closes the connection; fails if it is still open at the read timeout. */
    private static String receivedBeforeClose(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after " + socket.getSoTimeout() + " ms; received: " + received, e);
        } catch (IOException e) {
            // reset: closed too
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }
}
