package dev.sori.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MediaCases;
import dev.sori.testing.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The end-to-end checks every application server must pass with {@code target/sori.war}
 * deployed: the same protocol as the standalone server, under the context path {@code /sori}.
 * One server per subclass, started once; the tests run in order and each starts with no
 * connection open. Each subclass configures {@code max-message-chars} = {@value #MAX_MESSAGE_CHARS}
 * and short ping timings its own way (system properties or environment variables) to prove
 * the WAR's settings apply.
 *
 * <p>Each subclass carries {@code @DisabledIfSystemProperty(named = "sori.skipWarTests", ...)}
 * itself (JUnit does not inherit it), so that {@code -DskipWarTests} skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class WarDeploymentContract {
    static final int MAX_MESSAGE_CHARS = 100;
    /** Pings after 1 s of silence, closes after 5 s without an answer: {@code ping-interval}, {@code ping-timeout}. */
    static final int PING_INTERVAL_SECONDS = 1;
    static final int PING_TIMEOUT_SECONDS = 5;
    /**
     * {@code max-connections-per-address}: small, so that the cap test reaches it; the other tests
     * open at most 3 connections at a time. Proves that the WAR reads the peer's address on this
     * container (Tyrus on Payara, Undertow on WildFly): with no address there would be no cap.
     */
    static final int MAX_CONNECTIONS_PER_ADDRESS = 4;
    /**
     * {@code trusted-proxies}: the tests' own address, so that a test can play the load balancer
     * and pass the client's address in {@code X-Forwarded-For}; connections without the header
     * count as 127.0.0.1, as before.
     */
    static final String TRUSTED_PROXIES = "127.0.0.1/32";
    /** The one extra origin each subclass allows ({@code allowed-origins}). */
    static final String ALLOWED_ORIGIN = "https://app.example.com";
    /** {@code metrics-token}: {@code /metrics} under the context path asks for it. */
    static final String METRICS_TOKEN = "war-scrape-token";
    /** {@code ChatEndpoint.MAX_FRAME_BYTES} */
    static final int MAX_FRAME_BYTES = 64 * 1024;
    /** {@code api-key}: the HTTP publish API's key. */
    static final String API_KEY = "war-api-key";
    /** {@code max-upload-bytes}: not the default 5 MiB, to prove the WAR reads it. */
    static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024;
    /**
     * WildFly's listener answers a request that declares a body over its {@code max-post-size}
     * (10 MiB by default) with its own empty 400 before the WAR sees it; the uploads declared too
     * large stay under it, so that the answer is Sori's 413 on both servers (docs/deploy.md).
     */
    static final long CONTAINER_BODY_CAP = 10L * 1024 * 1024;
    /** {@code uploads-per-minute}: as many as one identity uses in one of the {@link MediaCases}. */
    static final int UPLOADS_PER_MINUTE = MediaCases.MOST_UPLOADS_PER_IDENTITY;

    protected AppServer server;
    private long startedNanos;

    /** A server, not started, set up to run the WAR with the settings above. */
    protected abstract AppServer createServer();

    /** Where the WAR keeps its embedded database and the images' files; null when they are in the container's database. */
    protected abstract Path dataDir();

    private MediaCases media;

    @RegisterExtension
    final TestWatcher printLogOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (server != null) {
                System.out.println("[" + server + "] " + context.getDisplayName() + " failed; the server's log:\n"
                        + server.logTail(300));
            }
        }
    };

    @BeforeAll
    void startServer() {
        startedNanos = System.nanoTime();
        server = createServer();
        server.environment.put("SORI_API_KEY", API_KEY);
        server.start();
        media = new MediaCases(server.base(), server.chat(), dataDir());
    }

    @AfterAll
    void stopServer() {
        if (server == null) {
            return;
        }
        long stopping = System.nanoTime();
        server.close();
        System.out.printf("[%s] timing: start %.1f s, start+tests+stop %.1f s (stop %.1f s)%n", server,
                server.startTime() == null ? Double.NaN : server.startTime().toMillis() / 1000.0,
                (System.nanoTime() - startedNanos) / 1e9, (System.nanoTime() - stopping) / 1e9);
    }

    @BeforeEach
    void noConnectionLeftOver() {
        if (server.isRunning()) {
            awaitConnections(0);
        }
    }

    @Test
    @Order(1)
    void thePageLoadsUnderTheContextPath() {
        HttpResponse<String> page = server.get("");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body().toLowerCase()).contains("<title>");
    }

    @Test
    @Order(2)
    void healthIsJson() {
        HttpResponse<String> health = server.get("healthz");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonObject body = parse(health.body());
        assertThat(body.getString("status")).isEqualTo("ok");
        assertThat(body.getString("version")).isNotBlank();
        assertThat(body.getInt("connections")).isZero();
    }

    @Test
    @Order(3)
    void twoClientsSeeEachOtherJoinChatInSeqOrderAndSeeTheLeave() {
        try (TestClient a = TestClient.connect(server.chat())) {
            JsonObject welcome = a.welcome();
            assertThat(welcome.getString("sid")).isNotBlank();
            assertThat(welcome.getString("token")).isNotBlank();
            assertThat(welcome.getString("room")).isEqualTo("general");
            assertThat(welcome.getJsonObject("server").getString("name")).isEqualTo("sori");
            assertSystem(a.next("system"), "join", a.nick(), 1);

            try (TestClient b = TestClient.connect(server.chat())) {
                assertSystem(b.next("system"), "join", b.nick(), 2);
                assertSystem(a.next("system"), "join", b.nick(), 2);
                assertThat(connections()).isEqualTo(2);

                long previousSeq = -1;
                for (int i = 0; i < 6; i++) {
                    TestClient sender = i % 2 == 0 ? a : b;
                    TestClient other = sender == a ? b : a;
                    String id = "m" + i;
                    String text = "hello " + i + " from " + sender.nick();
                    sender.send("new_message", TestClient.quote(text), id);

                    // The sender gets its own message and the ack, in either order; the other just the message.
                    JsonObject ack = null;
                    JsonObject own = null;
                    while (ack == null || own == null) {
                        JsonObject frame = sender.next(f -> id.equals(f.getString("id", null))
                                || "message".equals(f.getString("type")));
                        if ("message".equals(frame.getString("type"))) {
                            own = frame.getJsonObject("payload");
                        } else {
                            assertThat(frame.getString("type")).as("reply to %s", text).isEqualTo("ack");
                            ack = frame.getJsonObject("payload");
                        }
                    }
                    JsonObject seen = other.next("message").getJsonObject("payload");

                    long seq = ack.getJsonNumber("seq").longValue();
                    assertThat(ack.getString("room")).isEqualTo("general");
                    if (previousSeq >= 0) {
                        assertThat(seq).as("seq after %s", previousSeq).isEqualTo(previousSeq + 1);
                    }
                    previousSeq = seq;
                    for (JsonObject message : List.of(own, seen)) {
                        assertThat(message.getJsonNumber("seq").longValue()).isEqualTo(seq);
                        assertThat(message.getString("text")).isEqualTo(text);
                        assertThat(message.getString("nick")).isEqualTo(sender.nick());
                        assertThat(message.getString("room")).isEqualTo("general");
                    }
                }

                String leaving = b.nick();
                b.closeAndWait();
                assertSystem(a.next("system"), "leave", leaving, 1);
            }
        }
    }

    @Test
    @Order(4)
    void badFramesComeBackAsErrorFramesAndTheConnectionStaysUsable() {
        try (TestClient client = TestClient.connect(server.chat())) {
            client.sendRaw("{this is not json");
            assertError(client.next("error"), "bad_json");

            client.sendBinary(new byte[] {1, 2, 3});
            assertError(client.next("error"), "unsupported");

            client.sendRaw("[1,2,3]");
            assertError(client.next("error"), "bad_envelope");

            JsonObject unknown = client.request("no_such_type", null, "u1");
            assertThat(unknown.getString("type")).isEqualTo("error");
            assertError(unknown, "unknown_type");

            assertThat(client.ack("ping", "{\"n\":42}", "p1")).isEqualTo(parse("{\"n\":42}"));
            assertThat(client.ack("new_message", TestClient.quote("still here"), "m1").asJsonObject()
                    .getJsonNumber("seq").longValue()).isPositive();
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    @Order(5)
    void theConfiguredMessageLimitApplies() {
        try (TestClient client = TestClient.connect(server.chat())) {
            assertThat(client.welcome().getJsonObject("limits").getInt("maxMessageChars")).isEqualTo(MAX_MESSAGE_CHARS);

            JsonObject tooLong = client.request("new_message", TestClient.quote("x".repeat(MAX_MESSAGE_CHARS + 1)), "long");
            assertThat(tooLong.getString("type")).isEqualTo("error");
            assertError(tooLong, "invalid_argument");

            JsonValue ack = client.ack("new_message", TestClient.quote("y".repeat(MAX_MESSAGE_CHARS)), "max");
            assertThat(ack.asJsonObject().getJsonNumber("seq").longValue()).isPositive();
        }
    }

    @Test
    @Order(6)
    void severalClientsPostingAtOnceAllReceiveEveryMessageInTheSameOrder() throws Exception {
        int clients = 3;
        int perClient = 20;
        List<TestClient> all = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                all.add(TestClient.connect(server.chat()));
            }
            awaitConnections(clients);
            for (TestClient c : all) {
                c.clear();
            }
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            for (TestClient c : all) {
                senders.add(CompletableFuture.runAsync(() -> {
                    for (int m = 0; m < perClient; m++) {
                        c.send("new_message", TestClient.quote(c.nick() + " #" + m), null);
                    }
                }));
            }
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            List<String> reference = null;
            for (TestClient c : all) {
                List<String> seen = new ArrayList<>();
                long previous = -1;
                for (int m = 0; m < clients * perClient; m++) {
                    JsonObject message = c.next("message").getJsonObject("payload");
                    long seq = message.getJsonNumber("seq").longValue();
                    if (previous >= 0) {
                        assertThat(seq).as("seq at %s", c.nick()).isEqualTo(previous + 1);
                    }
                    previous = seq;
                    seen.add(seq + ":" + message.getString("text"));
                }
                if (reference == null) {
                    reference = seen;
                } else {
                    assertThat(seen).as("what %s saw", c.nick()).isEqualTo(reference);
                }
            }
        } finally {
            all.forEach(TestClient::close);
        }
    }

    @Test
    @Order(7)
    void aFrameJustUnderTheSizeLimitIsAccepted() {
        try (TestClient client = TestClient.connect(server.chat())) {
            // The envelope around it brings the frame close to 64 KiB: several reads on any server.
            String big = "z".repeat(MAX_FRAME_BYTES - 100);
            JsonValue echoed = client.ack("ping", TestClient.quote(big), "big");
            assertThat(echoed.toString()).hasSize(big.length() + 2);
            assertThat(client.ack("ping", null, "after")).isNull();
        }
    }

    @Test
    @Order(8)
    void aFrameOverTheSizeLimitClosesTheConnectionWith1009() throws Exception {
        try (RawSocket socket = RawSocket.open(server.chat())) {
            assertThat(parse((String) socket.next()).getString("type")).isEqualTo("welcome");
            assertThat(parse((String) socket.next()).getString("type")).isEqualTo("system");
            socket.ws.sendText("{\"type\":\"ping\",\"id\":\"x\",\"payload\":\"" + "z".repeat(MAX_FRAME_BYTES) + "\"}", true)
                    .get(10, TimeUnit.SECONDS);
            // PROTOCOL.md: "A frame over 64 KiB is refused (too_large, or close 1009 if the transport cuts it)".
            // Tyrus cuts it itself; on Undertow, which would buffer any size, ChatEndpoint does the same.
            // A lobby tick (room_updated for this connection's join) may come first on a loaded machine.
            Object next = socket.next();
            while (next instanceof String text && TestClient.isLobbyEvent(parse(text))) {
                next = socket.next();
            }
            assertThat(next).as("what follows the oversized frame").isEqualTo(1009);
        }
    }

    @Test
    @Order(9)
    void anIdleClientIsPingedAndStaysConnectedByAnsweringThePings() {
        // The JDK client answers pings by itself; without pings and pongs reaching the chat the
        // connection would be closed after PING_TIMEOUT_SECONDS of silence.
        try (TestClient client = TestClient.connect(server.chat())) {
            client.next("system");
            client.expectSilence(Duration.ofSeconds(PING_TIMEOUT_SECONDS + 2));
            assertThat(client.isOpen()).isTrue();
            assertThat(client.ack("ping", "1", "still-there")).hasToString("1");
        }
    }

    @Test
    @Order(10)
    void aClientThatDoesNotAnswerPingsIsClosedWith1001() throws Exception {
        long started = System.nanoTime();
        try (SilentSocket silent = SilentSocket.connect(server.chat(), (PING_TIMEOUT_SECONDS + 10) * 1000)) {
            int[] pings = {0};
            assertThat(silent.awaitClose(pings)).isEqualTo(1001);
            assertThat(pings[0]).as("pings before the close").isPositive();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
                    Duration.ofSeconds(PING_TIMEOUT_SECONDS));
        }
    }

    @Test
    @Order(11)
    void theConnectionOverThePerAddressCapIsClosedWith1013AndClosingOneFreesASlot() throws Exception {
        List<TestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(TestClient.connect(server.chat()));
            }
            try (RawSocket over = RawSocket.open(server.chat())) {
                assertThat(over.next()).as("the first thing the connection over the cap gets").isEqualTo(1013);
            }
            assertThat(server.log()).contains("connection refused address=");
            open.remove(0).closeAndWait();
            awaitConnections(MAX_CONNECTIONS_PER_ADDRESS - 1);
            try (TestClient again = TestClient.connect(server.chat())) {
                assertThat(again.token()).isNotBlank();
            }
        } finally {
            open.forEach(TestClient::close);
        }
        awaitConnections(0); // the next tests count connections
    }

    @Test
    @Order(12)
    void aForeignOriginIsRefusedWith403BeforeAnySessionExists() {
        try (TestClient observer = TestClient.connect(server.chat())) {
            observer.next("system"); // its own join
            WebSocketHandshakeException refused = handshakeRefusal("http://evil.example");
            assertThat(refused.getResponse().statusCode()).isEqualTo(403);
            assertThat(refused.getResponse().headers().firstValue("Sec-WebSocket-Accept")).isEmpty();

            // No session was opened: nobody joined, the count did not move.
            observer.expectNone(frame -> "system".equals(frame.getString("type")), Duration.ofSeconds(1));
            assertThat(connections()).isEqualTo(1);
        }
    }

    @Test
    @Order(13)
    void theOwnOriginAndAnAllowListedOriginAreWelcomed() {
        String own = "http://" + server.chat().getAuthority();
        try (TestClient sameOrigin = TestClient.connect(ORIGIN_CLIENT, server.chat(), Map.of("Origin", own));
             TestClient allowed = TestClient.connect(ORIGIN_CLIENT, server.chat(), Map.of("Origin", ALLOWED_ORIGIN))) {
            assertThat(sameOrigin.welcome().getString("sid")).isNotBlank();
            assertThat(allowed.welcome().getString("sid")).isNotBlank();
        }
    }

    /**
     * The routes are the jar's, through the WAR's one servlet, and the origin rule guards every
     * path: a POST from a foreign page is refused before the route; a GET from one is answered.
     */
    @Test
    @Order(14)
    void theRoutesAnswerAsInTheJarAndAForeignPostIsRefusedWith403() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI health = server.base().resolve("healthz");
        HttpResponse<String> foreignPost = http.send(HttpRequest.newBuilder(health).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreignPost.statusCode()).isEqualTo(403);
        HttpResponse<String> foreignPagePost = http.send(HttpRequest.newBuilder(server.base()).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreignPagePost.statusCode()).isEqualTo(403);

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(health)
                .POST(HttpRequest.BodyPublishers.ofString("a=b")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

        HttpResponse<String> foreignGet = http.send(HttpRequest.newBuilder(health).header("Origin", "http://evil.example")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(foreignGet.statusCode()).isEqualTo(200);
        assertThat(parse(foreignGet.body()).getString("status")).isEqualTo("ok");

        // HEAD answers like GET without a body, on the route and on the page (the container's own).
        for (URI uri : List.of(health, server.base())) {
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).as("HEAD %s", uri).isEqualTo(get.statusCode()).isEqualTo(200);
            assertThat(head.body()).as("HEAD %s", uri).isEmpty();
            assertThat(head.headers().firstValue("Content-Type")).as("HEAD %s", uri)
                    .isEqualTo(get.headers().firstValue("Content-Type"));
        }
    }

    /**
     * Behind a trusted proxy ({@code trusted-proxies}) each client the proxy forwards for has its
     * own per-address count, read from the handshake's headers on this container as in the jar.
     */
    @Test
    @Order(15)
    void behindATrustedProxyEachForwardedClientHasItsOwnCount() throws Exception {
        Map<String, String> ada = Map.of("X-Forwarded-For", "203.0.113.9");
        List<TestClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS_PER_ADDRESS; i++) {
                open.add(TestClient.connect(ORIGIN_CLIENT, server.chat(), ada));
            }
            try (RawSocket over = RawSocket.open(server.chat(), Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.9"))) {
                assertThat(over.next()).as("the first thing Ada's connection over the cap gets").isEqualTo(1013);
            }
            assertThat(server.log()).contains("connection refused address=203.0.113.9");
            // Another client through the same proxy, and the proxy's own address, are not Ada.
            open.add(TestClient.connect(ORIGIN_CLIENT, server.chat(), Map.of("X-Forwarded-For", "198.51.100.4")));
            open.add(TestClient.connect(server.chat()));
        } finally {
            open.forEach(TestClient::close);
        }
        awaitConnections(0);
    }

    @Test
    @Order(16)
    void readinessIsJsonAndReadyWhileTheDatabaseAnswers() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(server.base().resolve("readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(parse(ready.body()).getString("status")).isEqualTo("ready");
    }

    @Test
    @Order(17)
    void metricsAreServedUnderTheContextPathWithTheToken() throws Exception {
        try (TestClient client = TestClient.connect(server.chat())) {
            client.ack("new_message", "{\"text\":\"counted\"}", "m1");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI metrics = server.base().resolve("metrics");
            HttpResponse<String> without = http.send(HttpRequest.newBuilder(metrics).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(without.statusCode()).isEqualTo(401);
            HttpResponse<String> with = http.send(HttpRequest.newBuilder(metrics)
                    .header("Authorization", "Bearer " + METRICS_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(with.statusCode()).isEqualTo(200);
            assertThat(with.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(with.body()).contains("sori_connections 1.0", "sori_messages_posted_total{outcome=\"stored\"}",
                    "# TYPE sori_post_delivery_seconds histogram", "jvm_memory_used_bytes{");
        }
        assertThat(server.logTail(2000)).doesNotContain(METRICS_TOKEN);
    }

    /**
     * The HTTP API in the WAR, under the context path: a message posted with the API key comes
     * out of the room's server-sent event stream (a kept-open async servlet response) with its
     * seq as id and {@code bot: true}, and reaches a WebSocket member alike.
     */
    @Test
    @Order(18)
    void aPublishedMessageComesOutOfTheEventStreamAndTheWebSocket() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (TestClient ada = TestClient.connect(server.chat())) {
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(
                    server.base().resolve("api/rooms/general/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            try (java.io.BufferedReader events = new java.io.BufferedReader(
                    new java.io.InputStreamReader(stream.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                assertThat(events.readLine()).isEqualTo("retry: 2000");
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(server.base().resolve("api/rooms/general/messages"))
                        .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"from the API\",\"nick\":\"Ticker\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).isEqualTo(201);
                long seq = parse(posted.body()).getJsonNumber("seq").longValue();
                String line;
                while ((line = events.readLine()) != null && !line.equals("id: " + seq)) {
                    // system events and the blank lines between events
                }
                assertThat(line).isEqualTo("id: " + seq);
                JsonObject data = parse(events.readLine().substring("data: ".length()));
                assertThat(data.getBoolean("bot")).isTrue();
                assertThat(data.getString("nick")).isEqualTo("Ticker");
            }
            JsonObject message = ada.next(f -> "message".equals(f.getString("type"))).getJsonObject("payload");
            assertThat(message.getString("text")).isEqualTo("from the API");
            assertThat(message.getBoolean("bot")).isTrue();
        }
    }

    // ---- images: the cases server.jar runs in MediaIT, on this container ----

    @Test
    @Order(20)
    void imagesOfEachFormatAreUploadedPostedReceivedAndServedAsTheImagesTheyAre() {
        media.eachFormatIsUploadedPostedReceivedAndServedAsTheImageItIs();
    }

    @Test
    @Order(21)
    void aCachedImageIsNotSentAgainAndALargeOneComesInParts() {
        media.aCachedImageIsNotSentAgainAndALargeOneComesInParts();
    }

    @Test
    @Order(22)
    void unknownImagesAreNotFoundAndRevealNothing() {
        media.unknownIdsAreNotFoundAndRevealNothing();
    }

    @Test
    @Order(23)
    void historyAndRecoveryCarryTheImages() {
        media.historyAndRecoveryCarryTheMedia();
    }

    @Test
    @Order(24)
    void theSameImageUploadedTwiceIsKeptOnceAndAFormUploadWorksToo() throws IOException {
        media.theSameFileUploadedTwiceIsKeptOnceAndAFormUploadWorksToo();
    }

    @Test
    @Order(25)
    void aPhotosLocationNeverReachesTheOthers() {
        media.aPhotosLocationNeverReachesTheOthers();
    }

    @Test
    @Order(26)
    void everyUploadRefusalHasItsStatusAndCodeAndTheChatGoesOn() {
        media.everyRefusalHasItsStatusAndCodeAndTheChatGoesOn();
    }

    @Test
    @Order(27)
    void anUploadOverTheConfiguredLimitIsRefusedWith413() throws IOException {
        media.anUploadOverTheLimitIsCutWhereTheLimitIsAndTheServerReadsNoFurther(MAX_UPLOAD_BYTES,
                CONTAINER_BODY_CAP - 1024 * 1024);
    }

    @Test
    @Order(28)
    void uploadsOverTheConfiguredRateAreRefusedWith429() {
        media.tooManyUploadsAreRefusedWithWhenToTryAgain(UPLOADS_PER_MINUTE);
    }

    /**
     * A path that does not decode, sent byte for byte under the WAR's context path (HTTP clients
     * refuse to send some of these): the container answers before the WAR sees it (the jar says
     * 400, {@code HttpIT}). Its answer may differ (WildFly says 404 or 400; Payara decodes
     * {@code %2F} and serves the page) but is never a server error and never a file outside the
     * WAR; the server goes on.
     */
    @Test
    @Order(29)
    void aPathThatDoesNotDecodeIsNeverAServerErrorNorAFileOutsideTheWar() throws Exception {
        String context = server.base().getPath(); // "/sori/"
        List<String> answers = new ArrayList<>();
        for (String path : List.of("%2F", "a%2Fb", "media/%2F", "api/rooms/%2F/messages", "%ZZ", "%00",
                "%2e%2e/%2e%2e/etc/passwd", "healthz%")) {
            try (java.net.Socket socket = new java.net.Socket(server.base().getHost(), server.base().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + context + path + " HTTP/1.1\r\nHost: "
                        + server.base().getAuthority() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                answers.add(path + " -> " + answer.lines().findFirst().orElse("(nothing)"));
                assertThat(answer).as("GET %s%s", context, path).matches("(?s)HTTP/1\\.1 [234]\\d\\d .*");
                assertThat(answer).as("no file outside the WAR").doesNotContain("root:");
            }
        }
        System.out.println("[" + server + "] bad paths: " + answers);
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.base().resolve("healthz")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /** Last: stops the server. An orderly shutdown undeploys, and undeploying closes the chat with 1001. */
    @Test
    @Order(100)
    void stoppingTheServerClosesEveryConnectionWith1001() {
        try (TestClient client = TestClient.connect(server.chat())) {
            assertThat(server.stop()).as("stopped by itself after SIGTERM").isTrue();
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
    }

    // ---- helpers ----

    private static final HttpClient ORIGIN_CLIENT = HttpClient.newHttpClient();

    /** The handshake failure of the JDK's WebSocket client sending this Origin; fails if it connects. */
    protected WebSocketHandshakeException handshakeRefusal(String origin) {
        try {
            TestClient.connect(ORIGIN_CLIENT, server.chat(), Map.of("Origin", origin)).close();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused;
            }
            throw e;
        }
        throw new AssertionError("origin " + origin + " was welcomed");
    }

    protected int connections() {
        return parse(server.get("healthz").body()).getInt("connections");
    }

    protected void awaitConnections(int expected) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int now;
        while ((now = connections()) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + expected + " connections on " + server + ", have " + now);
            }
            AppServer.sleep(50);
        }
    }

    static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static void assertSystem(JsonObject frame, String kind, String nick, int count) {
        JsonObject payload = frame.getJsonObject("payload");
        assertThat(payload.getString("kind")).as("kind in %s", frame).isEqualTo(kind);
        assertThat(payload.getString("nick")).as("nick in %s", frame).isEqualTo(nick);
        assertThat(payload.getInt("count")).as("count in %s", frame).isEqualTo(count);
        assertThat(payload.getString("room")).isEqualTo("general");
    }

    static void assertError(JsonObject frame, String code) {
        assertThat(frame.getString("type")).as("type of %s", frame).isEqualTo("error");
        assertThat(frame.getJsonObject("payload").getString("code")).as("code in %s", frame).isEqualTo(code);
    }

    /** A bare WebSocket that queues every text frame (a String) and the close (its code, an Integer). */
    static final class RawSocket implements WebSocket.Listener, AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        WebSocket ws;

        static RawSocket open(URI uri) throws Exception {
            return open(uri, Map.of());
        }

        static RawSocket open(URI uri, Map<String, String> headers) throws Exception {
            RawSocket listener = new RawSocket();
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            headers.forEach(builder::header);
            listener.ws = builder.buildAsync(uri, listener).get(10, TimeUnit.SECONDS);
            return listener;
        }

        /** The next text frame or close code, waiting up to 10 s. */
        Object next() throws InterruptedException {
            Object event = events.poll(10, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("nothing arrived within 10 s");
            }
            if (event instanceof Throwable failure) {
                throw new AssertionError("the connection failed", failure);
            }
            return event;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(error);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }
}
