package dev.sori.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MutationFuzzer;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what a client's text becomes before any chat code runs: {@link ClientFrameDecoder}, then
 * every request payload reader of {@link Requests} on the payload it produced. The decoder must
 * never throw (a bad frame is a {@link ClientFrame.Malformed}); a reader may refuse a payload only
 * with a {@link ProtocolException}, which becomes one {@code error} frame; anything else would
 * reach {@code @OnError} as a bug and close the connection with 1011. Seeds:
 * {@code src/test/resources/fuzz/client-frame/}.
 */
class ClientFrameFuzzTest {
    private static final ClientFrameDecoder DECODER = new ClientFrameDecoder();

    private static final java.util.Map<String, Function<JsonValue, Object>> READERS = java.util.Map.of(
            "nickname", Requests::nickname,
            "new_message", Requests.NewMessage::from,
            "join", p -> Requests.requiredRoom(Requests.bind(p, Requests.Join.class).room()),
            "create_room", p -> Requests.bind(p, Requests.CreateRoom.class),
            "history", p -> Requests.bind(p, Requests.History.class),
            "leave", p -> Requests.requiredRoom(Requests.bind(p, Requests.RoomRef.class).room()));

    @Test
    void decodingAndReadingPayloadsNeverFailsOtherThanWithAProtocolError() {
        new MutationFuzzer("client-frame")
                .dictionary("{", "}", "[", "]", ":", ",", "\"", "\\u0000", "\\uD800", "\"type\"", "\"id\"", "\"payload\"",
                        "\"room\"", "\"text\"", "\"cid\"", "\"echo\"", "\"max\"", "\"since\"", "\"before\"", "\"limit\"",
                        "\"password\"", "\"title\"", "\"nick\"", "null", "true", "false", "1e400", "-0", "1.5",
                        "99999999999999999999", "-9223372036854775809", "2147483648", "\"new_message\"", "\"join\"")
                .run(ClientFrameFuzzTest::check);
    }

    static String check(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        ClientFrame frame = DECODER.decode(text);
        assertThat(frame).isNotNull();
        if (frame.id() != null) {
            assertThat(frame.id().length()).isLessThanOrEqualTo(ClientFrameDecoder.MAX_ID_CHARS);
        }
        if (frame instanceof ClientFrame.Malformed bad) {
            return "malformed/" + bad.code() + "/" + bad.message();
        }
        ClientFrame.Request request = (ClientFrame.Request) frame;
        assertThat(request.type()).isNotEmpty();
        StringBuilder behaviour = new StringBuilder("request/").append(request.payload().getValueType());
        for (var reader : new java.util.TreeMap<>(READERS).entrySet()) {
            behaviour.append('/').append(reader.getKey()).append('=');
            try {
                reader.getValue().apply(request.payload());
                behaviour.append("ok");
            } catch (ProtocolException e) {
                assertThat(e.code()).isNotNull();
                behaviour.append(e.code()).append(':').append(e.getMessage().replaceAll("[0-9]+", "N"));
            }
        }
        return behaviour.toString();
    }
}
