package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error code of the core: the {@code error} frame (code, message, the id when there is a
 * usable one), exactly one reply, the connection still usable afterwards, and nobody else told.
 */
class ErrorsIT {
    private static final String ID_64 = "i".repeat(64);
    private static final String ID_65 = "i".repeat(65);

    private RunningServer server;
    private TestClient sender;
    private TestClient observer;

    @BeforeEach
    void connect() {
        server = RunningServer.start();
        sender = server.connect();
        observer = server.connect();
        assertThat(next(sender).getJsonObject("payload").getInt("count")).isEqualTo(1); // own join
        assertThat(next(sender).getJsonObject("payload").getInt("count")).isEqualTo(2); // observer's join
        assertThat(next(observer).getJsonObject("payload").getInt("count")).isEqualTo(2); // own join
    }

    @AfterEach
    void disconnect() {
        sender.close();
        observer.close();
        server.close();
    }

    static Stream<Arguments> badFrames() {
        return Stream.of(
                // name, the frame as sent, expected code, expected id (null: the error carries none)
                arguments("not JSON", "hello", "bad_json", null),
                arguments("truncated JSON", "{\"type\":\"new_message\",\"id\":\"t1\"", "bad_json", null),
                arguments("empty frame", "", "bad_json", null),
                arguments("only white space", " \n ", "bad_json", null),
                // A frame holds one JSON object: what follows it is not ignored but refused.
                arguments("JSON with trailing garbage", "{\"type\":\"ping\",\"id\":\"g1\"} x", "bad_json", null),
                arguments("two envelopes in one frame",
                        "{\"type\":\"new_message\",\"payload\":\"one\"}{\"type\":\"new_message\",\"payload\":\"two\"}",
                        "bad_json", null),
                // Found by ClientFrameFuzzTest: Parsson's depth limit threw past the decoder (1011).
                arguments("nested 1,001 levels deep", "{\"type\":\"ping\",\"payload\":" + "[".repeat(1001),
                        "bad_json", null),
                arguments("array", "[\"new_message\",\"hi\"]", "bad_envelope", null),
                arguments("string", "\"new_message\"", "bad_envelope", null),
                arguments("number", "42", "bad_envelope", null),
                arguments("null", "null", "bad_envelope", null),
                arguments("missing type", "{\"payload\":\"hi\",\"id\":\"e1\"}", "bad_envelope", "e1"),
                arguments("missing type, no id", "{\"payload\":\"hi\"}", "bad_envelope", null),
                arguments("type a number", "{\"type\":42,\"id\":\"e2\"}", "bad_envelope", "e2"),
                arguments("type an object", "{\"type\":{\"name\":\"ping\"},\"id\":\"e3\"}", "bad_envelope", "e3"),
                arguments("type null", "{\"type\":null,\"id\":\"e4\"}", "bad_envelope", "e4"),
                arguments("id a number", "{\"type\":\"ping\",\"id\":7}", "bad_envelope", null),
                arguments("id an object", "{\"type\":\"ping\",\"id\":{\"n\":7}}", "bad_envelope", null),
                arguments("id of 65 chars", "{\"type\":\"ping\",\"id\":\"" + ID_65 + "\"}", "bad_envelope", null),
                arguments("unknown type", "{\"type\":\"dance\",\"id\":\"e5\"}", "unknown_type", "e5"),
                arguments("unknown type, no id", "{\"type\":\"dance\"}", "unknown_type", null),
                arguments("type in the wrong case", "{\"type\":\"NEW_MESSAGE\",\"payload\":\"hi\",\"id\":\"e6\"}",
                        "unknown_type", "e6"),
                arguments("empty text", "{\"type\":\"new_message\",\"payload\":\"\",\"id\":\"e7\"}",
                        "invalid_argument", "e7"),
                arguments("empty text, no id", "{\"type\":\"new_message\",\"payload\":\"\"}", "invalid_argument", null),
                arguments("empty text, object form", "{\"type\":\"new_message\",\"payload\":{\"text\":\"\"},\"id\":\"e8\"}",
                        "invalid_argument", "e8"),
                arguments("text of 2001 chars",
                        "{\"type\":\"new_message\",\"payload\":\"" + "w".repeat(2001) + "\",\"id\":\"e9\"}",
                        "invalid_argument", "e9"),
                arguments("text of 2001 chars, object form",
                        "{\"type\":\"new_message\",\"payload\":{\"text\":\"" + "w".repeat(2001) + "\"},\"id\":\"e10\"}",
                        "invalid_argument", "e10"),
                arguments("payload a number", "{\"type\":\"new_message\",\"payload\":42,\"id\":\"e11\"}",
                        "invalid_argument", "e11"),
                arguments("payload an array", "{\"type\":\"new_message\",\"payload\":[\"hi\"],\"id\":\"e12\"}",
                        "invalid_argument", "e12"),
                arguments("payload absent", "{\"type\":\"new_message\",\"id\":\"e13\"}", "invalid_argument", "e13"),
                arguments("payload null", "{\"type\":\"new_message\",\"payload\":null,\"id\":\"e14\"}",
                        "invalid_argument", "e14"),
                arguments("object without text", "{\"type\":\"new_message\",\"payload\":{\"room\":\"general\"},\"id\":\"e15\"}",
                        "invalid_argument", "e15"),
                arguments("text a number", "{\"type\":\"new_message\",\"payload\":{\"text\":5},\"id\":\"e16\"}",
                        "invalid_argument", "e16"),
                arguments("room a number", "{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"room\":7},\"id\":\"e17\"}",
                        "invalid_argument", "e17"),
                arguments("a room the client is not in",
                        "{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"room\":\"elsewhere\"},\"id\":\"e18\"}",
                        "not_in_room", "e18"),
                arguments("a room the client is not in, no id",
                        "{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"room\":\"elsewhere\"}}",
                        "not_in_room", null),
                arguments("a room named like general but not it",
                        "{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"room\":\"General\"},\"id\":\"e19\"}",
                        "not_in_room", "e19"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {2}")
    @MethodSource("badFrames")
    void aBadFrameGetsOneErrorAndTheConnectionLivesOn(String name, String frame, String code, String id) {
        sender.sendRaw(frame);
        assertError(next(sender), code, id);
        assertStillUsableAndNobodyElseWasTold();
    }

    @Test
    void aBinaryFrameIsUnsupported() {
        sender.sendBinary("{\"type\":\"new_message\",\"payload\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertError(next(sender), "unsupported", null);
        assertStillUsableAndNobodyElseWasTold();
    }

    @Test
    void anIdOfExactly64CharsIsEchoed() {
        JsonObject reply = sender.request("ping", "1", ID_64);
        assertThat(reply.getString("type")).isEqualTo("ack");
        assertThat(reply.getString("id")).isEqualTo(ID_64);
    }

    @Test
    void severalBadFramesInARowEachGetTheirOwnError() {
        sender.sendRaw("nope");
        sender.sendRaw("{\"type\":\"dance\",\"id\":\"d1\"}");
        sender.sendBinary(new byte[] {1, 2, 3});
        sender.sendRaw("{\"type\":\"new_message\",\"payload\":\"\",\"id\":\"d2\"}");
        assertError(next(sender), "bad_json", null);
        assertError(next(sender), "unknown_type", "d1");
        assertError(next(sender), "unsupported", null);
        assertError(next(sender), "invalid_argument", "d2");
        assertStillUsableAndNobodyElseWasTold();
    }

    /**
     * Over 64 KiB: the protocol allows either {@code too_large} (and then the connection lives on)
     * or a close with 1009 when the transport cuts the frame.
     */
    @Test
    void aFrameOver64KiBIsRefused() throws Exception {
        sender.send("new_message", TestClient.quote("b".repeat(70 * 1024)), "big");
        // Whichever comes first: a reply, or the end of the connection.
        CompletableFuture<JsonObject> reply = CompletableFuture.supplyAsync(() -> next(sender));
        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        while (!reply.isDone() && sender.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (reply.isDone() && !reply.isCompletedExceptionally()) {
            assertError(reply.get(), "too_large", "big".equals(reply.get().getString("id", null)) ? "big" : null);
            assertStillUsableAndNobodyElseWasTold();
        } else {
            assertThat(sender.isOpen()).as("open after an oversized frame, with no reply").isFalse();
            assertThat(sender.awaitClose()).isEqualTo(1009);
            // the other user sees only the departure
            JsonObject left = next(observer);
            assertThat(left.getString("type")).isEqualTo("system");
            assertThat(left.getJsonObject("payload").getString("kind")).isEqualTo("leave");
            assertThat(left.getJsonObject("payload").getInt("count")).isEqualTo(1);
        }
    }

    private static void assertError(JsonObject frame, String code, String id) {
        assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("error");
        JsonObject payload = frame.getJsonObject("payload");
        assertThat(payload.getString("code")).as("code in %s", frame).isEqualTo(code);
        assertThat(payload.getString("message")).as("message in %s", frame).isNotBlank();
        if (id == null) {
            assertThat(frame.containsKey("id")).as("an id in %s", frame).isFalse();
        } else {
            assertThat(frame.getString("id", null)).as("id in %s", frame).isEqualTo(id);
        }
    }

    /**
     * Exactly one reply came (the next frame answers a new ping), a valid message still works,
     * and the other user's next frame is that message: no error reached it.
     */
    private void assertStillUsableAndNobodyElseWasTold() {
        MessagingIT.assertNextIsAckOfPing(sender);

        sender.send("new_message", TestClient.quote("still here"), "after");
        List<JsonObject> own = List.of(next(sender), next(sender));
        assertThat(own).extracting(f -> f.getString("type")).containsExactlyInAnyOrder("message", "ack");
        JsonObject next = next(observer);
        assertThat(next.getString("type")).isEqualTo("message");
        assertThat(next.getJsonObject("payload").getString("text")).isEqualTo("still here");
        observer.expectSilence(Duration.ofMillis(100));
    }
}
