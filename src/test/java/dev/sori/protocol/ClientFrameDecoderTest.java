package dev.sori.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFrameDecoderTest {
    private final ClientFrameDecoder decoder = new ClientFrameDecoder();

    @Test
    void decodesTheSeedForms() {
        ClientFrame nickname = decoder.decode("{\"type\":\"nickname\",\"payload\":\"nico\"}");
        assertThat(nickname).isInstanceOfSatisfying(ClientFrame.Request.class, r -> {
            assertThat(r.type()).isEqualTo("nickname");
            assertThat(((JsonString) r.payload()).getString()).isEqualTo("nico");
            assertThat(r.id()).isNull();
        });
        ClientFrame message = decoder.decode("{\"type\":\"new_message\",\"payload\":\"hello everyone!\"}");
        assertThat(message).isInstanceOfSatisfying(ClientFrame.Request.class,
                r -> assertThat(((JsonString) r.payload()).getString()).isEqualTo("hello everyone!"));
    }

    @Test
    void keepsIdAndIgnoresUnknownFields() {
        ClientFrame frame = decoder.decode("{\"type\":\"ping\",\"id\":\"42\",\"extra\":[1,2],\"payload\":{\"a\":1}}");
        assertThat(frame).isInstanceOfSatisfying(ClientFrame.Request.class, r -> {
            assertThat(r.id()).isEqualTo("42");
            assertThat(r.payload().asJsonObject().getInt("a")).isEqualTo(1);
            assertThat(r.hasPayload()).isTrue();
        });
    }

    @Test
    void missingPayloadIsJsonNull() {
        ClientFrame frame = decoder.decode("{\"type\":\"list_rooms\"}");
        assertThat(frame).isInstanceOfSatisfying(ClientFrame.Request.class, r -> {
            assertThat(r.payload()).isEqualTo(JsonValue.NULL);
            assertThat(r.hasPayload()).isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nope", "{", "{\"type\":", "{\"type\":\"x\"} trailing", "\u0000"})
    void notJsonIsBadJson(String text) {
        assertBadJson(text);
    }

    /** Found by {@link ClientFrameFuzzTest}: Parsson's depth limit (1,000) threw a plain RuntimeException. */
    @ParameterizedTest
    @ValueSource(strings = {"[", "{\"a\":"})
    void nestingBeyondTheParsersDepthIsBadJson(String open) {
        String text = "{\"type\":\"ping\",\"payload\":" + open.repeat(1001);
        assertBadJson(text);
    }

    private void assertBadJson(String text) {
        assertThat(decoder.decode(text)).isInstanceOfSatisfying(ClientFrame.Malformed.class,
                m -> assertThat(m.code()).isEqualTo(ErrorCode.BAD_JSON));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1]", "\"text\"", "42", "null", "{}", "{\"type\":7}", "{\"type\":\"\"}",
            "{\"type\":null}", "{\"type\":\"x\",\"id\":5}"})
    void wrongShapeIsBadEnvelope(String text) {
        assertThat(decoder.decode(text)).isInstanceOfSatisfying(ClientFrame.Malformed.class,
                m -> assertThat(m.code()).isEqualTo(ErrorCode.BAD_ENVELOPE));
    }

    @Test
    void badEnvelopeStillEchoesAUsableId() {
        assertThat(decoder.decode("{\"id\":\"a1\",\"type\":3}")).isInstanceOfSatisfying(ClientFrame.Malformed.class,
                m -> assertThat(m.id()).isEqualTo("a1"));
    }

    @Test
    void overlongIdIsRefusedAndNotEchoed() {
        String id = "x".repeat(ClientFrameDecoder.MAX_ID_CHARS + 1);
        assertThat(decoder.decode("{\"type\":\"ping\",\"id\":\"" + id + "\"}"))
                .isInstanceOfSatisfying(ClientFrame.Malformed.class, m -> {
                    assertThat(m.code()).isEqualTo(ErrorCode.BAD_ENVELOPE);
                    assertThat(m.id()).isNull();
                });
        String longest = "y".repeat(ClientFrameDecoder.MAX_ID_CHARS);
        assertThat(decoder.decode("{\"type\":\"ping\",\"id\":\"" + longest + "\"}"))
                .isInstanceOf(ClientFrame.Request.class);
    }
}
