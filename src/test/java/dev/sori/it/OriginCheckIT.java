package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cross-site WebSocket hijacking: a page on another site must not be able to open a chat
 * connection in a visitor's browser. The real jar, with one extra origin allowed through the
 * environment variable ({@code SORI_ALLOWED_ORIGINS}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OriginCheckIT {
    private static final String ALLOWED = "http://app.example.com:3000";
    private static final String FOREIGN = "http://evil.example";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ServerProcess server;

    @BeforeAll
    void start() {
        server = ServerProcess.start(Map.of("SORI_ALLOWED_ORIGINS", ALLOWED));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String ownOrigin() {
        return "http://" + server.page().getAuthority();
    }

    @Test
    void thePagesOwnOriginIsWelcomed() {
        try (TestClient client = TestClient.connect(HTTP, server.chat(), Map.of("Origin", ownOrigin()))) {
            assertThat(client.welcome().getString("sid")).isNotBlank();
        }
    }

    @Test
    void anAllowListedOriginIsWelcomed() {
        try (TestClient client = TestClient.connect(HTTP, server.chat(), Map.of("Origin", ALLOWED))) {
            assertThat(client.welcome().getString("sid")).isNotBlank();
        }
    }

    @Test
    void aClientThatSendsNoOriginIsWelcomed() {
        // Not a browser (browsers always send Origin on a WebSocket handshake): the JDK client sends none.
        try (TestClient client = TestClient.connect(server.chat())) {
            assertThat(client.welcome().getString("sid")).isNotBlank();
        }
    }

    @Test
    void aForeignOriginGets403AndNoSessionExists() throws Exception {
        try (TestClient observer = TestClient.connect(server.chat())) {
            observer.next("system"); // its own join
            int before = ItSupport.healthConnections(server.page());

            try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(10))) {
                OutputStream out = socket.getOutputStream();
                out.write(RawHttp.upgradeRequest(server.page(), FOREIGN).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = RawHttp.readHead(socket.getInputStream());
                assertThat(RawHttp.status(head)).as(head).isEqualTo(403);
                assertThat(head.toLowerCase()).doesNotContain("sec-websocket-accept");
                assertThat(RawHttp.closedByServer(socket)).as("closed after the 403").isTrue();
            }

            // No session: nobody joined, no welcome, the connection count did not move.
            observer.expectNone(frame -> "system".equals(frame.getString("type")), Duration.ofSeconds(1));
            assertThat(ItSupport.healthConnections(server.page())).isEqualTo(before);
            ItSupport.awaitValue("the refusal in the log", true,
                    () -> server.output().contains("refused WebSocket handshake")
                            && server.output().contains("origin \"" + FOREIGN + "\""));
        }
    }

    @Test
    void aBrowserLikeClientWithAForeignOriginSeesTheRefusal() {
        assertThat(refusal(FOREIGN)).isEqualTo(403);
    }

    @Test
    void theSameHostOnAnotherPortIsAForeignOrigin() {
        URI page = server.page();
        String otherPort = "http://" + page.getHost() + ":" + (page.getPort() == 65535 ? 1 : page.getPort() + 1);
        assertThat(refusal(otherPort)).isEqualTo(403);
    }

    @Test
    void theNullOriginOfSandboxedFramesIsRefused() {
        assertThat(refusal("null")).isEqualTo(403);
    }

    @Test
    void aLogLineCannotBeForgedThroughTheOrigin() throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(10))) {
            String forged = "http://x.example" + "\u00e9INFO fake line";
            socket.getOutputStream().write(RawHttp.upgradeRequest(server.page(), forged).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(RawHttp.status(RawHttp.readHead(socket.getInputStream()))).isEqualTo(403);
        }
        ItSupport.awaitValue("the sanitised origin in the log", true,
                () -> server.output().contains("origin \"http://x.example?INFO fake line\""));
    }

    /**
     * The rule guards every path for what changes state: a POST (a form, an upload) from a
     * foreign page is refused before any route sees it, while the page's own origin, an
     * allow-listed one and a client without Origin reach the route (here /healthz, which answers
     * POST with 405).
     */
    @Test
    void aPostFromAForeignOriginGets403OnEveryPathAndTheOthersReachTheRoute() throws Exception {
        for (String path : new String[] {"/healthz", "/", "/anything"}) {
            String head = post(path, FOREIGN);
            assertThat(RawHttp.status(head)).as("POST %s from %s: %s", path, FOREIGN, head).isEqualTo(403);
        }
        assertThat(RawHttp.status(post("/healthz", ownOrigin()))).isEqualTo(405);
        assertThat(RawHttp.status(post("/healthz", ALLOWED))).isEqualTo(405);
        assertThat(RawHttp.status(post("/healthz", null))).isEqualTo(405);
        ItSupport.awaitValue("the refusal in the log", true,
                () -> server.output().contains("refused POST /healthz from")
                        && server.output().contains("origin \"" + FOREIGN + "\""));
    }

    /** A foreign page may GET the page and /healthz: it changes nothing, and without CORS it cannot read them. */
    @Test
    void aGetFromAForeignOriginIsAnswered() throws Exception {
        for (String path : new String[] {"/", "/healthz"}) {
            try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(10))) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + server.page().getAuthority()
                        + "\r\nOrigin: " + FOREIGN + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String head = RawHttp.readHead(socket.getInputStream());
                assertThat(RawHttp.status(head)).as("GET %s: %s", path, head).isEqualTo(200);
                assertThat(head.toLowerCase()).doesNotContain("access-control-allow-origin");
            }
        }
    }

    /** A POST with a small body and this Origin (none when null); the response head. */
    private String post(String path, String origin) throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(10))) {
            socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: " + server.page().getAuthority()
                    + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n"
                    + "Connection: close\r\n\r\na=b").getBytes(StandardCharsets.US_ASCII));
            return RawHttp.readHead(socket.getInputStream());
        }
    }

    /** The HTTP status with which the JDK's WebSocket client (sending this Origin) is refused. */
    private int refusal(String origin) {
        Throwable thrown = catchThrowable(() -> TestClient.connect(HTTP, server.chat(), Map.of("Origin", origin)).close());
        assertThat(thrown).as("a refusal of origin %s", origin).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode();
    }
}
