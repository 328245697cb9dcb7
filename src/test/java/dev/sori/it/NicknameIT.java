package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code nickname}: the ack, the {@code system nick} event, trimming and every refusal. */
class NicknameIT {
    private RunningServer server;
    private TestClient me;
    private TestClient other;

    /** A fresh server for each test, so that no event of another test can arrive in between. */
    @BeforeEach
    void connect() {
        server = RunningServer.start();
        me = server.connect();
        other = server.connect();
        assertThat(next(me).getJsonObject("payload").getInt("count")).isEqualTo(1); // own join
        assertThat(next(me).getJsonObject("payload").getInt("count")).isEqualTo(2); // other's join
        assertThat(next(other).getJsonObject("payload").getInt("count")).isEqualTo(2); // own join
    }

    @AfterEach
    void disconnect() {
        other.close();
        me.close();
        server.close();
    }

    @Test
    void renameIsAckedWithNickAndUnchangedColourAndAnnouncedToTheRoom() {
        String old = me.nick();
        String color = me.welcome().getString("color");

        // The renamer gets exactly two frames: the ack and its own system nick (in either order).
        me.send("nickname", TestClient.quote("nico"), "n1");
        List<JsonObject> mine = List.of(next(me), next(me));
        JsonObject reply = mine.stream().filter(f -> f.getString("type").equals("ack")).findFirst().orElseThrow(
                () -> new AssertionError("no ack among " + mine));
        assertThat(reply.getString("id")).isEqualTo("n1");
        JsonObject ack = reply.getJsonObject("payload");
        assertThat(ack.getString("nick")).isEqualTo("nico");
        assertThat(ack.getString("color")).isEqualTo(color);
        JsonObject ownEvent = mine.stream().filter(f -> f.getString("type").equals("system")).findFirst().orElseThrow(
                () -> new AssertionError("no system nick among " + mine));

        for (JsonObject event : new JsonObject[] {ownEvent, next(other)}) {
            assertThat(event.getString("type")).isEqualTo("system");
            JsonObject p = event.getJsonObject("payload");
            assertThat(p.getString("room")).isEqualTo("general");
            assertThat(p.getString("kind")).isEqualTo("nick");
            assertThat(p.getString("nick")).isEqualTo("nico");
            assertThat(p.getString("old")).isEqualTo(old);
            assertThat(p.getInt("count")).isEqualTo(2);
            assertThat(p.getJsonNumber("ts").longValue()).isPositive();
        }

        // Messages now carry the new name and the same colour.
        me.send("new_message", TestClient.quote("renamed"), null);
        JsonObject m = other.next("message").getJsonObject("payload");
        assertThat(m.getString("nick")).isEqualTo("nico");
        assertThat(m.getString("color")).isEqualTo(color);
    }

    @Test
    void theNicknameIsTrimmed() {
        JsonObject ack = me.ack("nickname", TestClient.quote("  \t nico  "), "n1").asJsonObject();
        assertThat(ack.getString("nick")).isEqualTo("nico");
        JsonObject p = other.next("system").getJsonObject("payload");
        assertThat(p.getString("kind")).isEqualTo("nick");
        assertThat(p.getString("nick")).isEqualTo("nico");
    }

    @ParameterizedTest
    @ValueSource(strings = {"소리", "Zoë", "a", "12345678901234567890123456789012"})
    void acceptsNicknamesUpToTheLimit(String nick) {
        assertThat(me.ack("nickname", TestClient.quote(nick), "n1").asJsonObject().getString("nick")).isEqualTo(nick);
        assertThat(other.next("system").getJsonObject("payload").getString("nick")).isEqualTo(nick);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "\"\"",                                       // empty
            "\"   \"",                                    // blank
            "\"123456789012345678901234567890123\"",      // 33 characters
            "\"  123456789012345678901234567890123  \"",  // 33 after trimming
            "\"ni\\u0000co\"",                            // NUL
            "\"ni\\u0007co\"",                            // bell
            "\"ni\\nco\"",                                // line feed inside
            "\"ni\\u001bco\"",                            // escape
            "\"ni\\u007fco\"",                            // delete
            "\"\\u202enico\"",                            // right-to-left override
            "\"nico\\u202d\"",                            // left-to-right override
            "\"ni\\u2066co\"",                            // left-to-right isolate
            "\"ni\\u200fco\"",                            // right-to-left mark
            "42",                                         // not a string
            "[\"nico\"]",                                 // not a string
            "null",                                       // no nickname at all
    })
    void refusesABadNicknameAndChangesNothing(String payloadJson) {
        String before = me.nick();
        JsonObject reply = me.request("nickname", payloadJson, "bad");
        assertThat(reply.getString("type")).isEqualTo("error");
        assertThat(reply.getString("id")).isEqualTo("bad");
        assertThat(reply.getJsonObject("payload").getString("code")).isEqualTo("invalid_argument");
        assertThat(reply.getJsonObject("payload").getString("message")).isNotBlank();

        // Still usable, still the same name, and the room heard nothing of it: the next thing the
        // other client receives is the message that follows, not a system nick.
        me.ack("new_message", TestClient.quote("still " + before), "after");
        JsonObject next = next(other);
        assertThat(next.getString("type")).isEqualTo("message");
        assertThat(next.getJsonObject("payload").getString("nick")).isEqualTo(before);
    }

    @Test
    void theSeedFormWorksWithoutAnIdAndGetsNoAck() {
        me.sendRaw("{\"type\":\"nickname\",\"payload\":\"nico\"}");
        assertThat(other.next("system").getJsonObject("payload").getString("nick")).isEqualTo("nico");
        JsonObject own = next(me);
        assertThat(own.getString("type")).isEqualTo("system");
        assertThat(own.getJsonObject("payload").getString("nick")).isEqualTo("nico");
        // No ack in between: the next reply is the one to this ping.
        me.send("ping", null, "marker");
        assertThat(next(me).getString("id")).isEqualTo("marker");
    }
}
