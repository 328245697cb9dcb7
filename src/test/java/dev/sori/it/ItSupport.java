package dev.sori.it;

import dev.sori.testing.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Small helpers shared by the integration tests: the next frame (lobby events aside), reading
 * {@code /healthz}, polling with a deadline.
 */
final class ItSupport {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    /**
     * Plain HTTP/1.1, as browsers and curl speak to a {@code http://} URL. (The JDK client's default,
     * HTTP/2, adds {@code Upgrade: h2c} to every request, which Grizzly answers differently: see
     * {@code HttpIT#thePageHasItsContentTypeAlsoWhenTheRequestOffersAnUpgrade}.)
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(DEADLINE).build();

    private ItSupport() {
    }

    /** {@code GET path} on the server at {@code base} ({@code http://host:port/}). */
    static HttpResponse<String> get(URI base, String path) {
        return get(base.resolve(path));
    }

    static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next frame that is not a lobby event. The protocol sends {@code room_created},
     * {@code room_updated} (a room's count changed) and {@code room_removed} to every connection
     * whenever any room changes, so they may come between any two frames a test waits for and
     * say nothing about what it checks. Everything else is taken strictly in order.
     */
    static JsonObject next(TestClient client) {
        return client.next(f -> !isLobbyEvent(f));
    }

    /** A {@code system} {@code join} that leaves {@code count} connections in the room. */
    static Predicate<JsonObject> joinWithCount(int count) {
        return f -> "system".equals(f.getString("type", "")) && "join".equals(f.getJsonObject("payload").getString("kind"))
                && f.getJsonObject("payload").getInt("count") == count;
    }

    static boolean isLobbyEvent(JsonObject frame) {
        String type = frame.getString("type", "");
        return type.equals("room_created") || type.equals("room_updated") || type.equals("room_removed");
    }

    static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** The {@code connections} of {@code GET /healthz} under {@code base} ({@code http://host:port/}). */
    static int healthConnections(URI base) {
        HttpResponse<String> response = get(base.resolve("/healthz"));
        if (response.statusCode() != 200) {
            throw new AssertionError("/healthz answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body()).getInt("connections");
    }

    /**
     * Polls {@code actual} until it equals {@code expected}, failing after {@link #DEADLINE}. For
     * state the server changes asynchronously (a close is processed after the socket goes); it
     * waits for the state, never for a fixed time.
     */
    static <T> void awaitValue(String what, T expected, Supplier<T> actual) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = actual.get();
        while (!expected.equals(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": expected " + expected + " within " + DEADLINE + ", still " + last);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = actual.get();
        }
    }

    /** What a connection that stopped reading finds once it reads again. */
    record StalledEnd(int messages, Integer closeCode) {
    }

    /**
     * Reads a stalled connection to its end: counts the {@code message} frames that piled up and
     * returns the close frame's code, or null when only the TCP close or reset came (the close
     * frame could not get past the data the server gave up on).
     */
    static StalledEnd readWhatPiledUp(RawWebSocket stalled) {
        int messages = 0;
        try {
            while (true) {
                RawWebSocket.Frame frame = stalled.readFrame();
                if (frame.opcode() == RawWebSocket.OP_CLOSE) {
                    return new StalledEnd(messages, frame.closeCode());
                }
                if (frame.opcode() == RawWebSocket.OP_TEXT && frame.text().contains("\"message\"")) {
                    messages++;
                }
            }
        } catch (java.net.SocketException | java.io.EOFException e) {
            return new StalledEnd(messages, null); // TCP close or reset
        } catch (IOException e) {
            throw new AssertionError("the stalled connection was not closed: " + e, e);
        }
    }
}
