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
                .isEqualTo(new Requests.NewMessage("hi", null, null, true, null));
        assertThat(Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi").add("room", "r1").build()))
                .isEqualTo(new Requests.NewMessage("hi", "r1", null, true, null));
    }

    @Test
    void newMessageTakesMediaWithAnOptionalCaption() {
        String id = "ab".repeat(32);
        assertThat(Requests.NewMessage.from(Json.createObjectBuilder().add("media", id).build()))
                .isEqualTo(new Requests.NewMessage(null, null, null, true, id));
        assertThat(Requests.NewMessage.from(Json.createObjectBuilder().add("media", id).add("text", "look").build()))
                .isEqualTo(new Requests.NewMessage("look", null, null, true, id));
        for (String bad : new String[] {"", "AB".repeat(32), "ab".repeat(31), "../etc/passwd"}) {
            assertThatThrownBy(() -> Requests.NewMessage.from(Json.createObjectBuilder().add("media", bad).build()))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
    }

    @Test
    void newMessageTakesACidAndEcho() {
        assertThat(Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi").add("cid", "a-Z_09")
                .add("echo", false).build())).isEqualTo(new Requests.NewMessage("hi", null, "a-Z_09", false, null));
        for (String bad : new String[] {"", "has space", "é", "x".repeat(65), "a/b"}) {
            assertThatThrownBy(() -> Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi")
                    .add("cid", bad).build())).isInstanceOf(ProtocolException.class).hasMessageContaining("cid");
        }
        assertThatThrownBy(() -> Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi")
                .add("echo", "no").build())).isInstanceOf(ProtocolException.class).hasMessageContaining("echo");
        assertThatThrownBy(() -> Requests.NewMessage.from(Json.createObjectBuilder().add("text", "hi")
                .add("cid", 5).build())).isInstanceOf(ProtocolException.class).hasMessageContaining("cid");
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
