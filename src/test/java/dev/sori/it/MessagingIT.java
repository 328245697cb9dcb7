package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code new_message} in all its forms, the {@code message} every member receives (the sender
 * too), the {@code ack} and its absence, and {@code ping}.
 */
class MessagingIT {
    private RunningServer server;
    private TestClient alice;
    private TestClient bob;
    /** Messages met by {@link #ackAmongFrames} on the way to an ack, per client. */
    private final Map<TestClient, List<JsonObject>> received = new IdentityHashMap<>();

    /** A fresh server per test: {@code seq} starts at 1 and nothing from another test can arrive. */
    @BeforeEach
    void connect() {
        server = RunningServer.start();
        alice = server.connect();
        bob = server.connect();
        assertThat(next(alice).getJsonObject("payload").getInt("count")).isEqualTo(1); // own join
        assertThat(next(alice).getJsonObject("payload").getInt("count")).isEqualTo(2); // bob's join
        assertThat(next(bob).getJsonObject("payload").getInt("count")).isEqualTo(2); // own join
    }

    @AfterEach
    void disconnect() {
        alice.close();
        bob.close();
        server.close();
    }

    @Test
    void theTwoSeedFramesWorkExactlyAsTheyStand() {
        String color = alice.welcome().getString("color");
        String old = alice.nick();

        alice.sendRaw("{\"type\":\"nickname\",\"payload\":\"nico\"}");
        for (TestClient c : new TestClient[] {alice, bob}) {
            JsonObject event = next(c);
            assertThat(event.getString("type")).isEqualTo("system");
            assertThat(event.getJsonObject("payload").getString("kind")).isEqualTo("nick");
            assertThat(event.getJsonObject("payload").getString("nick")).isEqualTo("nico");
            assertThat(event.getJsonObject("payload").getString("old")).isEqualTo(old);
        }

        alice.sendRaw("{\"type\":\"new_message\",\"payload\":\"hello everyone!\"}");
        for (TestClient c : new TestClient[] {alice, bob}) {
            JsonObject frame = next(c);
            assertThat(frame.getString("type")).isEqualTo("message");
            JsonObject m = frame.getJsonObject("payload");
            assertThat(m.getString("room")).isEqualTo("general");
            assertThat(m.getJsonNumber("seq").longValue()).isEqualTo(1);
            assertThat(m.getString("nick")).isEqualTo("nico");
            assertThat(m.getString("color")).isEqualTo(color);
            assertThat(m.getString("text")).isEqualTo("hello everyone!");
        }

        // Neither seed frame carried an id, so neither got an ack: nothing more arrives...
        alice.expectSilence(Duration.ofMillis(300));
        // ...and the next reply alice gets is the one to this ping.
        assertNextIsAckOfPing(alice);
    }

    @Test
    void aMessageReachesEveryMemberTheSenderIncludedWithEveryField() {
        long before = System.currentTimeMillis();
        alice.send("new_message", "{\"text\":\"hi there\"}", "a1");
        List<JsonObject> own = List.of(next(alice), next(alice)); // the message and the ack, in either order
        JsonObject atBob = next(bob);
        long after = System.currentTimeMillis();

        JsonObject ack = own.stream().filter(f -> f.getString("type").equals("ack")).findFirst()
                .orElseThrow(() -> new AssertionError("no ack among " + own));
        JsonObject atAlice = own.stream().filter(f -> f.getString("type").equals("message")).findFirst()
                .orElseThrow(() -> new AssertionError("no message among " + own));

        assertThat(atBob.getString("type")).isEqualTo("message");
        assertThat(atBob.containsKey("id")).as("a broadcast carries no id").isFalse();
        JsonObject m = atBob.getJsonObject("payload");
        assertThat(m.keySet()).contains("room", "seq", "nick", "color", "text", "ts");
        assertThat(m.getString("room")).isEqualTo("general");
        assertThat(m.getJsonNumber("seq").isIntegral()).isTrue();
        assertThat(m.getJsonNumber("seq").longValue()).isEqualTo(1);
        assertThat(m.getString("nick")).isEqualTo(alice.nick());
        assertThat(m.getString("color")).isEqualTo(alice.welcome().getString("color"));
        assertThat(m.getString("text")).isEqualTo("hi there");
        assertThat(m.getJsonNumber("ts").longValue()).isBetween(before, after);
        assertThat(atAlice.getJsonObject("payload")).isEqualTo(m);

        // The ack carries the same id and {room, seq} of that very message.
        assertThat(ack.getString("id")).isEqualTo("a1");
        JsonObject posted = ack.getJsonObject("payload");
        assertThat(posted.getString("room")).isEqualTo("general");
        assertThat(posted.getJsonNumber("seq").longValue()).isEqualTo(1);
    }

    @Test
    void theObjectFormWithAndWithoutRoom() {
        alice.send("new_message", "{\"text\":\"no room given\"}", "o1");
        JsonObject ack1 = ackAmongFrames(alice, "o1");
        bob.send("new_message", "{\"text\":\"to general\",\"room\":\"general\"}", "o2");
        JsonObject ack2 = ackAmongFrames(bob, "o2");
        assertThat(ack1.getString("room")).isEqualTo("general");
        assertThat(ack2.getString("room")).isEqualTo("general");
        assertThat(ack1.getJsonNumber("seq").longValue()).isEqualTo(1);
        assertThat(ack2.getJsonNumber("seq").longValue()).isEqualTo(2);

        // Both members saw both, in seq order.
        for (TestClient c : new TestClient[] {alice, bob}) {
            List<JsonObject> seen = received.get(c);
            while (seen.size() < 2) {
                JsonObject f = next(c);
                if (f.getString("type").equals("message")) {
                    seen.add(f.getJsonObject("payload"));
                }
            }
            assertThat(seen).extracting(p -> p.getString("text")).containsExactly("no room given", "to general");
            assertThat(seen).extracting(p -> p.getJsonNumber("seq").longValue()).containsExactly(1L, 2L);
            assertThat(seen).extracting(p -> p.getString("nick")).containsExactly(alice.nick(), bob.nick());
        }
    }

    /** Reads frames up to the ack of {@code id}, keeping the messages met on the way; returns the ack's payload. */
    private JsonObject ackAmongFrames(TestClient client, String id) {
        List<JsonObject> seen = received.computeIfAbsent(client, c -> new ArrayList<>());
        while (true) {
            JsonObject f = next(client);
            switch (f.getString("type")) {
                case "message" -> seen.add(f.getJsonObject("payload"));
                case "ack" -> {
                    assertThat(f.getString("id")).isEqualTo(id);
                    return f.getJsonObject("payload");
                }
                default -> throw new AssertionError("unexpected " + f); // next() has skipped lobby events
            }
        }
    }

    @Test
    void seqCountsTheRoomsMessagesFromOneWithNoGapsWhoeverSends() {
        TestClient[] senders = {alice, bob, alice, alice, bob};
        for (int i = 0; i < senders.length; i++) {
            JsonObject ack = senders[i].ack("new_message", TestClient.quote("n" + i), "s" + i).asJsonObject();
            assertThat(ack.getJsonNumber("seq").longValue()).isEqualTo(i + 1L);
        }
    }

    @Test
    void aFrameWithoutIdGetsNoAck() {
        alice.send("new_message", TestClient.quote("fire and forget"), null);
        JsonObject own = next(alice);
        assertThat(own.getString("type")).isEqualTo("message");
        assertThat(next(bob).getString("type")).isEqualTo("message");
        alice.expectSilence(Duration.ofMillis(300));
        assertNextIsAckOfPing(alice);

        // The object form the same way.
        alice.send("new_message", "{\"text\":\"again\"}", null);
        assertThat(next(alice).getString("type")).isEqualTo("message");
        alice.expectSilence(Duration.ofMillis(300));
    }

    @Test
    void textIsDeliveredExactlyAsSent() {
        String text = "<b>bold?</b> & \"quotes\" \\ back\\slash\nnew line\ttab 안녕하세요 😀 👩‍👩‍👧 ‮";
        alice.send("new_message", TestClient.quote(text), null);
        assertThat(bob.next("message").getJsonObject("payload").getString("text")).isEqualTo(text);
    }

    @Test
    void textOfExactlyTheLimitIsAccepted() {
        String text = "z".repeat(2000);
        alice.send("new_message", TestClient.quote(text), "max");
        assertThat(bob.next("message").getJsonObject("payload").getString("text")).isEqualTo(text);
    }

    @Test
    void unknownTopLevelFieldsAreIgnored() {
        alice.sendRaw("{\"type\":\"new_message\",\"payload\":\"extra\",\"id\":\"x1\",\"v\":2,\"meta\":{\"a\":[1]}}");
        assertThat(alice.next(f -> "x1".equals(f.getString("id", null))).getString("type")).isEqualTo("ack");
        assertThat(bob.next("message").getJsonObject("payload").getString("text")).isEqualTo("extra");
    }

    @ParameterizedTest(name = "[{index}] payload {0}")
    @ValueSource(strings = {"{\"t\":1,\"nested\":{\"a\":[1,2,\"x\"]}}", "\"hello\"", "42", "3.5", "[1,\"two\",null]",
            "true", "{}", "\"\""})
    void pingIsAckedWithTheSamePayload(String payloadJson) {
        JsonObject reply = alice.request("ping", payloadJson, "p1");
        assertThat(reply.getString("type")).isEqualTo("ack");
        assertThat(reply.getString("id")).isEqualTo("p1");
        assertThat(reply.get("payload")).isEqualTo(ItSupport.parse("{\"v\":" + payloadJson + "}").get("v"));
        bob.expectSilence(Duration.ofMillis(100)); // a ping concerns nobody else
    }

    @Test
    void pingWithoutPayloadIsAckedWithoutPayload() {
        JsonObject reply = alice.request("ping", null, "p2");
        assertThat(reply.getString("type")).isEqualTo("ack");
        assertThat(reply.getString("id")).isEqualTo("p2");
        JsonValue payload = reply.get("payload");
        assertThat(payload == null || payload == JsonValue.NULL).as("payload of %s", reply).isTrue();
    }

    @Test
    void pingWithoutIdGetsNothing() {
        alice.send("ping", "\"anyone?\"", null);
        alice.expectSilence(Duration.ofMillis(300));
        assertNextIsAckOfPing(alice);
    }

    /** Sends a ping with an id; the very next frame must answer it (so nothing else was pending). */
    static void assertNextIsAckOfPing(TestClient client) {
        client.send("ping", "\"marker\"", "marker");
        JsonObject next = next(client);
        assertThat(next.getString("type")).isEqualTo("ack");
        assertThat(next.getString("id")).isEqualTo("marker");
        assertThat(next.getString("payload")).isEqualTo("marker");
    }
}
