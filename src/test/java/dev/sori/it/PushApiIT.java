package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP publish API and the server-sent event stream of a room (protocol, "Server push over
 * HTTP") on the real server.jar, with the JDK's plain HTTP client: what a backend posting with
 * curl and a page reading the stream see.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushApiIT {
    static final String KEY = "k-2026-12-current";
    static final String NEXT_KEY = "k-2027-01-next";
    static final String OLD_KEY = "k-2026-11-retired";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServerProcess server;

    @BeforeAll
    void start() {
        server = ServerProcess.start(List.of("-Dsori.sse.keepAliveMillis=400"), Map.of("SORI_API_KEY", KEY + ", " + NEXT_KEY),
                ServerProcess.UNLIMITED_RATE_AND_CONNECTIONS.toArray(String[]::new));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static HttpResponse<String> publish(URI base, String room, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/rooms/" + room + "/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI events(String room) {
        return server.page().resolve("/api/rooms/" + room + "/events");
    }

    @Test
    void aPublishedMessageReachesTheRoomAsABotAndItsCidIsStoredOnce() {
        try (TestClient ada = TestClient.connect(server.chat())) {
            HttpResponse<String> created = publish(server.page(), "general", KEY,
                    "{\"text\":\"BTC 97,000\",\"nick\":\"Ticker\",\"cid\":\"tick-1\"}");
            assertThat(created.statusCode()).isEqualTo(201);
            JsonObject answer = ItSupport.parse(created.body());
            assertThat(answer.keySet()).containsExactly("room", "seq");
            assertThat(answer.getString("room")).isEqualTo("general");
            long seq = answer.getJsonNumber("seq").longValue();

            JsonObject message = ada.next("message").getJsonObject("payload");
            assertThat(message.getJsonNumber("seq").longValue()).isEqualTo(seq);
            assertThat(message.getString("nick")).isEqualTo("Ticker");
            assertThat(message.getString("text")).isEqualTo("BTC 97,000");
            assertThat(message.getBoolean("bot")).isTrue();
            assertThat(message.getString("cid")).isEqualTo("tick-1");

            // The same cid again (a retry after a lost answer), with the other key: the original.
            HttpResponse<String> again = publish(server.page(), "general", NEXT_KEY,
                    "{\"text\":\"BTC 97,000\",\"nick\":\"Ticker\",\"cid\":\"tick-1\"}");
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(ItSupport.parse(again.body())).isEqualTo(ItSupport.parse(
                    "{\"room\":\"general\",\"seq\":" + seq + ",\"duplicate\":true}"));
            ada.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(300));

            // Without a nick: "Sori". History keeps "bot".
            assertThat(publish(server.page(), "general", KEY, "{\"text\":\"hello\"}").statusCode()).isEqualTo(201);
            assertThat(ada.next("message").getJsonObject("payload").getString("nick")).isEqualTo("Sori");
            JsonObject history = ada.ack("history", "{\"room\":\"general\"}", "h1").asJsonObject();
            JsonObject stored = history.getJsonArray("messages").stream().map(v -> v.asJsonObject())
                    .filter(m -> m.getJsonNumber("seq").longValue() == seq).findFirst().orElseThrow();
            assertThat(stored.getBoolean("bot")).isTrue();
            assertThat(stored.getString("nick")).isEqualTo("Ticker");
        }
    }

    @Test
    void refusedPublishesStoreNothingAndNeverShowTheKey() throws Exception {
        try (TestClient ada = TestClient.connect(server.chat())) {
            String message = "{\"text\":\"must not arrive\"}";
            for (String key : new String[] {null, "wrong", OLD_KEY, KEY + "x", KEY.substring(1)}) {
                HttpResponse<String> refused = publish(server.page(), "general", key, message);
                assertThat(refused.statusCode()).as("key %s", key).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
                assertThat(ItSupport.parse(refused.body()).getString("code")).isEqualTo("forbidden");
            }
            assertThat(publish(server.page(), "general", KEY, "not json").statusCode()).isEqualTo(400);
            HttpResponse<String> notJson = publish(server.page(), "general", KEY, "{\"text\":");
            assertThat(notJson.statusCode()).isEqualTo(400);
            assertThat(ItSupport.parse(notJson.body()).getString("code")).isEqualTo("invalid_argument");
            assertThat(publish(server.page(), "general", KEY, "[1,2]").statusCode()).isEqualTo(400);
            assertThat(publish(server.page(), "general", KEY, "{\"text\":\"   \"}").statusCode()).isEqualTo(400);
            assertThat(publish(server.page(), "general", KEY, "{\"text\":\"x\",\"nick\":\"\\u202Eevil\"}").statusCode())
                    .isEqualTo(400);
            HttpResponse<String> tooLarge = publish(server.page(), "general", KEY,
                    "{\"text\":\"" + "x".repeat(70 * 1024) + "\"}");
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(ItSupport.parse(tooLarge.body()).getString("code")).isEqualTo("too_large");
            HttpResponse<String> unknown = publish(server.page(), "no-such-room", KEY, message);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(ItSupport.parse(unknown.body()).getString("code")).isEqualTo("not_found");
            HttpResponse<String> noMedia = publish(server.page(), "general", KEY, "{\"media\":\"" + "ab".repeat(32) + "\"}");
            assertThat(noMedia.statusCode()).isEqualTo(404);

            ada.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(500));
            String log = server.output();
            assertThat(log).contains("publish refused: no API key").contains("publish refused: a wrong API key");
            assertThat(log).doesNotContain(KEY).doesNotContain(NEXT_KEY).doesNotContain(OLD_KEY)
                    .doesNotContain("wrong\"").doesNotContain("must not arrive");
            assertThat(log.lines().filter(l -> l.contains("publish refused"))).hasSize(5);
        }
    }

    /**
     * A body refused from its head (413 here, as 401 and 429) is still read, up to 1 MiB, before
     * the server closes: closing on bytes not read makes the kernel answer them with a reset, and
     * the JDK's client, still sending, then lost the refusal ("header parser received no bytes",
     * one request in twenty at 700 KB).
     */
    @Test
    void aClientStillSendingARefusedBodyReadsItsRefusal() throws Exception {
        byte[] body = ("{\"text\":\"" + "x".repeat(700 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(5))) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/rooms/general/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
            in.readNBytes(RawHttp.contentLength(head));
            // The answer is out, and the server waits for the body rather than closing on it.
            socket.setSoTimeout(500);
            assertThatThrownBy(in::read).as("the connection, before the body is sent").isInstanceOf(SocketTimeoutException.class);
            out.write(body);
            out.flush();
            socket.setSoTimeout(10_000);
            assertThat(in.read()).as("once the body is read: an end, not a reset").isEqualTo(-1);
        }
        String large = "{\"text\":\"" + "x".repeat(700 * 1024) + "\"}";
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> refused = publish(server.page(), "general", KEY, large);
            assertThat(refused.statusCode()).isEqualTo(413);
            assertThat(ItSupport.parse(refused.body()).getString("code")).isEqualTo("too_large");
        }
    }

    @Test
    void theStreamReplaysAfterTheLastEventIdThenGoesLiveWithKeepAlives() throws Exception {
        HttpResponse<String> first = publish(server.page(), "general", KEY, "{\"text\":\"before\",\"nick\":\"Bot\"}");
        long before = ItSupport.parse(first.body()).getJsonNumber("seq").longValue();
        try (EventStreamReader stream = EventStreamReader.open(events("general"), Long.toString(before - 1))) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(stream.response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            assertThat(stream.response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(stream.response.headers().firstValue("X-Accel-Buffering")).hasValue("no");

            EventStreamReader.Event replayed = stream.next("message");
            assertThat(replayed.id()).isEqualTo(Long.toString(before));
            JsonObject payload = ItSupport.parse(replayed.data());
            assertThat(payload.getString("text")).isEqualTo("before");
            assertThat(payload.getBoolean("bot")).isTrue();
            assertThat(payload.keySet()).containsExactly("room", "seq", "uid", "nick", "color", "text", "ts", "bot");

            try (TestClient ada = TestClient.connect(server.chat())) {
                EventStreamReader.Event join = stream.next("system");
                assertThat(join.id()).isNull();
                assertThat(ItSupport.parse(join.data()).getString("kind")).isEqualTo("join");
                assertThat(ItSupport.parse(join.data()).getString("nick")).isEqualTo(ada.nick());
                ada.send("new_message", "{\"text\":\"from the page\"}", "m1");
                EventStreamReader.Event live = stream.next("message");
                assertThat(live.id()).isEqualTo(Long.toString(before + 1));
                assertThat(ItSupport.parse(live.data()).containsKey("bot")).isFalse();
                assertThat(ItSupport.parse(live.data()).getString("nick")).isEqualTo(ada.nick());
            }
            assertThat(stream.next("comment").data()).isEqualTo("keep-alive");
        }
    }

    @Test
    void reconnectingWithTheLastEventIdMissesNothingAndRepeatsNothing() throws Exception {
        long start = ItSupport.parse(publish(server.page(), "general", KEY, "{\"text\":\"start\"}").body())
                .getJsonNumber("seq").longValue();
        int total = 60;
        Thread poster = new Thread(() -> {
            for (int i = 1; i <= total; i++) {
                assertThat(publish(server.page(), "general", KEY, "{\"text\":\"n" + i + "\"}").statusCode()).isEqualTo(201);
            }
        }, "test-poster");
        poster.start();
        List<Long> seen = new ArrayList<>();
        String last = Long.toString(start);
        while (seen.size() < total) {
            try (EventStreamReader stream = EventStreamReader.open(events("general"), last)) {
                for (int i = 0; i < 7 && seen.size() < total; i++) {
                    EventStreamReader.Event event = stream.next("message");
                    seen.add(Long.parseLong(event.id()));
                    last = event.id();
                }
            }
        }
        poster.join();
        List<Long> expected = new ArrayList<>();
        for (long s = start + 1; s <= start + total; s++) {
            expected.add(s);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aLockedRoomIsForbiddenAndAnUnknownOneNotFound() {
        try (TestClient ada = TestClient.connect(server.chat())) {
            String room = ada.ack("create_room", "{\"title\":\"private\",\"password\":\"hunter22\"}", "c1")
                    .asJsonObject().getString("room");
            HttpResponse<String> locked = ItSupport.get(events(room));
            assertThat(locked.statusCode()).isEqualTo(403);
            assertThat(ItSupport.parse(locked.body()).getString("code")).isEqualTo("forbidden");
            HttpResponse<String> unknown = ItSupport.get(events("nowhere"));
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(ItSupport.parse(unknown.body()).getString("code")).isEqualTo("not_found");
        }
    }

    @Test
    void withoutAKeyThePublishApiIsNotThereButTheStreamIs() throws Exception {
        try (ServerProcess plain = ServerProcess.start()) {
            HttpResponse<String> absent = publish(plain.page(), "general", "anything", "{\"text\":\"x\"}");
            assertThat(absent.statusCode()).isEqualTo(404);
            try (EventStreamReader stream = EventStreamReader.open(plain.page().resolve("/api/rooms/general/events"), null)) {
                assertThat(stream.response.statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void stoppingTheServerEndsItsStreams() throws Exception {
        ServerProcess stopping = ServerProcess.start();
        try (EventStreamReader stream = EventStreamReader.open(stopping.page().resolve("/api/rooms/general/events"), null)) {
            assertThat(stream.response.statusCode()).isEqualTo(200);
            assertThat(stopping.terminate(Duration.ofSeconds(30))).isEqualTo(143);
            stream.awaitEnd(Duration.ofSeconds(10));
        } finally {
            stopping.close();
        }
    }

    @Test
    void aDatabaseOutageAnswers503AndNothingIsStoredOrDelivered() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip();
             ServerProcess pg = ServerProcess.start(List.of(), Map.of("SORI_API_KEY", KEY),
                     db.serverArgs().toArray(String[]::new));
             TestClient ada = TestClient.connect(pg.chat());
             EventStreamReader stream = EventStreamReader.open(pg.page().resolve("/api/rooms/general/events"), null)) {
            assertThat(publish(pg.page(), "general", KEY, "{\"text\":\"before\"}").statusCode()).isEqualTo(201);
            ada.next("message");
            stream.next("message");
            db.takeDown();
            try {
                HttpResponse<String> down = publish(pg.page(), "general", KEY, "{\"text\":\"lost\",\"cid\":\"o-1\"}");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(ItSupport.parse(down.body()).getString("code")).isEqualTo("unavailable");
                ada.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(500));
            } finally {
                db.bringBack();
            }
            // Back: the same cid is new (nothing was stored), and it is the next seq after "before".
            HttpResponse<String> retried = publish(pg.page(), "general", KEY, "{\"text\":\"retried\",\"cid\":\"o-1\"}");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (retried.statusCode() == 503 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                retried = publish(pg.page(), "general", KEY, "{\"text\":\"retried\",\"cid\":\"o-1\"}");
            }
            assertThat(retried.statusCode()).isEqualTo(201);
            JsonObject delivered = ada.next("message").getJsonObject("payload");
            assertThat(delivered.getString("text")).isEqualTo("retried");
            EventStreamReader.Event event = stream.next("message");
            assertThat(ItSupport.parse(event.data()).getString("text")).isEqualTo("retried");
            JsonObject history = ada.ack("history", "{\"room\":\"general\"}", "h1").asJsonObject();
            assertThat(history.getJsonArray("messages").stream().map(v -> v.asJsonObject().getString("text")))
                    .containsExactly("before", "retried");
        }
    }

    /**
     * A reader that stops reading (its socket's buffers full) is cut once its queue passes the
     * member's caps, as a WebSocket reader is; the room and its members go on.
     */
    @Test
    void aStreamThatStopsReadingIsCutAndTheRoomGoesOn() throws Exception {
        try (ServerProcess small = ServerProcess.start(List.of(), Map.of("SORI_API_KEY", KEY), "--rate-limit", "0",
                "--max-pending-bytes", "65536", "--socket-send-buffer", "32768");
             TestClient ada = TestClient.connect(small.chat());
             Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", small.page().getPort()));
            OutputStream request = stalled.getOutputStream();
            request.write(("GET /api/rooms/general/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            String text = "x".repeat(1900);
            int posted = 0;
            while (!small.output().contains("cut: slow consumer")) {
                assertThat(posted).as("posts before the cut").isLessThan(3000);
                assertThat(publish(small.page(), "general", KEY, "{\"text\":\"" + text + "\"}").statusCode()).isEqualTo(201);
                posted++;
            }
            // The room is unaffected: its member gets the next message at once.
            ada.clear();
            publish(small.page(), "general", KEY, "{\"text\":\"still here\"}");
            assertThat(ada.next(f -> "message".equals(f.getString("type"))
                    && "still here".equals(f.getJsonObject("payload").getString("text")))).isNotNull();
            // The reader, reading again, finds its stream ended (the last chunk) or the connection closed.
            stalled.setSoTimeout(60_000);
            InputStream in = stalled.getInputStream();
            byte[] buffer = new byte[65536];
            String tail = "";
            int n;
            while ((n = in.read(buffer)) > 0) {
                tail = (tail + new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                tail = tail.substring(Math.max(0, tail.length() - 16));
                if (tail.endsWith("\r\n0\r\n\r\n")) {
                    break;
                }
            }
        }
    }
}
