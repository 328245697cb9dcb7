package dev.sori.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

class RequestsTest {

    @Test
    void newMessageAcceptsBothForms() {
        assertThat(Requests.NewMessage.from(Json.createValue("hi")))
                .isEqualTo(new Requests.NewMessage("hi", null));
        assertThat(Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi").add("room", "r1").build()))
                .isEqualTo(new Requests.NewMessage("hi", "r1"));
    }

    @Test
    void newMessageRefusesOtherShapes() {
        for (JsonValue bad : new JsonValue[] {JsonValue.NULL, Json.createValue(5), JsonValue.EMPTY_JSON_ARRAY,
                JsonValue.EMPTY_JSON_OBJECT, Json.createObjectBuilder().add("text", 5).build(),
                Json.createObjectBuilder().add("text", "x").add("room", true).build()}) {
            assertThatThrownBy(() -> Requests.NewMessage.from(bad))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }

    @Test
    void nicknameIsAString() {
        assertThat(Requests.nickname(Json.createValue("nico"))).isEqualTo("nico");
        assertThatThrownBy(() -> Requests.nickname(JsonValue.NULL)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Requests.nickname(Json.createValue(1))).isInstanceOf(ProtocolException.class);
    }
}
