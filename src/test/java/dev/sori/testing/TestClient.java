package dev.sori.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client over a real socket (the JDK's {@link WebSocket}) that speaks the
 * Sori protocol for tests: it queues every frame received and lets a test wait for the one it
 * expects.
 */
public final class TestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private JsonObject welcome;

    private TestClient(URI uri) {
        this(HTTP, uri, Map.of());
    }

    private TestClient(HttpClient http, URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /**
     * Connects through the given HTTP client (e.g. one that trusts a test certificate for
     * {@code wss://}) with extra handshake headers (e.g. {@code Origin}), and waits for {@code welcome}.
     */
    public static TestClient connect(HttpClient http, URI chatUri, Map<String, String> headers) {
        return welcomed(new TestClient(http, chatUri, headers));
    }

    /** Connects and waits for {@code welcome}. */
    public static TestClient connect(URI chatUri) {
        return connect(chatUri, null);
    }

    /** Connects with a token to resume ({@code null} for none) and waits for {@code welcome}. */
    public static TestClient connect(URI chatUri, String token) {
        URI uri = token == null ? chatUri : URI.create(chatUri + "?token=" + token);
        return welcomed(new TestClient(uri));
    }

    private static TestClient welcomed(TestClient client) {
        client.welcome = client.next();
        if (!"welcome".equals(client.welcome.getString("type"))) {
            throw new AssertionError("first frame was not welcome: " + client.welcome);
        }
        return client;
    }

    /** The {@code welcome} payload. */
    public JsonObject welcome() {
        return welcome.getJsonObject("payload");
    }

    public String nick() {
        return welcome().getString("nick");
    }

    public String token() {
        return welcome().getString("token");
    }

    public TestClient sendRaw(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    public TestClient sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    /** Sends {@code {"type", "payload", "id"}}; {@code payloadJson} is raw JSON or null, {@code id} may be null. */
    public TestClient send(String type, String payloadJson, String id) {
        StringBuilder sb = new StringBuilder("{\"type\":").append(quote(type));
        if (payloadJson != null) {
            sb.append(",\"payload\":").append(payloadJson);
        }
        if (id != null) {
            sb.append(",\"id\":").append(quote(id));
        }
        return sendRaw(sb.append('}').toString());
    }

    /** Sends a request with an id and returns the {@code ack} or {@code error} that answers it. */
    public JsonObject request(String type, String payloadJson, String id) {
        send(type, payloadJson, id);
        return next(f -> id.equals(f.getString("id", null)));
    }

    /** Like {@link #request}, failing unless the answer is an {@code ack}; returns its payload. */
    public JsonValue ack(String type, String payloadJson, String id) {
        JsonObject reply = request(type, payloadJson, id);
        if (!"ack".equals(reply.getString("type"))) {
            throw new AssertionError("expected an ack for " + type + ", got " + reply);
        }
        return reply.get("payload");
    }

    /** The next frame, whatever it is. */
    public JsonObject next() {
        return next(f -> true);
    }

    /** The next frame of this type, skipping others. */
    public JsonObject next(String type) {
        return next(f -> type.equals(f.getString("type")));
    }

    /** The next frame matching {@code wanted}; frames before it are dropped. */
    public JsonObject next(Predicate<JsonObject> wanted) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<JsonObject> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonObject frame;
            try {
                frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                throw new AssertionError("no matching frame within " + TIMEOUT + "; skipped " + skipped);
            }
            if (wanted.test(frame)) {
                return frame;
            }
            skipped.add(frame);
        }
    }

    /**
     * Fails if any frame arrives within {@code quiet}, lobby events aside: {@code room_created},
     * {@code room_updated} and {@code room_removed} go to every connection whenever any room
     * changes, so they say nothing about this client.
     */
    public void expectSilence(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        try {
            for (long left = quiet.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                JsonObject frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && !isLobbyEvent(frame)) {
                    throw new AssertionError("expected no frame, got " + frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Fails if a frame matching {@code unwanted} arrives within {@code quiet}; other frames are
     * dropped. For servers shared by several tests, where frames about other rooms (or late
     * departures from {@code general}) say nothing about the thing under test.
     */
    public void expectNone(Predicate<JsonObject> unwanted, Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        try {
            for (long left = quiet.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                JsonObject frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && unwanted.test(frame)) {
                    throw new AssertionError("expected no such frame, got " + frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame if one arrives within {@code wait}, else null; for loops that must notice a closed socket. */
    public JsonObject poll(Duration wait) {
        try {
            return frames.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The people a {@code system} payload names: its {@code nick}, or, for a join or leave that a
     * big room coalesced, its {@code nicks}.
     */
    public static List<String> presenceNicks(JsonObject systemPayload) {
        if (systemPayload.containsKey("nicks")) {
            return systemPayload.getJsonArray("nicks").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList();
        }
        return List.of(systemPayload.getString("nick"));
    }

    /** {@code room_created}, {@code room_updated} or {@code room_removed}. */
    public static boolean isLobbyEvent(JsonObject frame) {
        String type = frame.getString("type", "");
        return type.equals("room_created") || type.equals("room_updated") || type.equals("room_removed");
    }

    /** Drops every frame received so far. */
    public void clear() {
        frames.clear();
    }

    public boolean isOpen() {
        return !socket.isInputClosed() && !socket.isOutputClosed() && !closeCode.isDone();
    }

    /** The close code the server sent, waiting for it. */
    public int awaitClose() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    /** Closes cleanly and waits until the server has answered the close. */
    public void closeAndWait() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        awaitClose();
    }

    public static String quote(String s) {
        return Json.createValue(s).toString();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try (var reader = Json.createReader(new StringReader(partial.toString()))) {
                    frames.add(reader.readObject());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
