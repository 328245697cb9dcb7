package dev.sori.bench.yardstick;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.net.URI;
import org.glassfish.tyrus.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus yardstick speaks the part of the protocol the generator uses, as the Node yardstick
 * does: otherwise its figures in docs/benchmarks.md would compare different work.
 */
class TyrusYardstickTest {
    private static Server server;
    private static URI chat;

    @BeforeAll
    static void start() throws Exception {
        server = TyrusYardstick.start("127.0.0.1", 0);
        chat = URI.create("ws://127.0.0.1:" + server.getPort() + "/chat");
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void aMessageIsAckedThenReachesEveryMemberWithTheSameSeq() {
        try (TestClient alice = TestClient.connect(chat); TestClient bob = TestClient.connect(chat)) {
            assertThat(alice.welcome().getString("room")).isEqualTo("general");
            assertThat(alice.welcome().getString("token")).isNotEqualTo(bob.welcome().getString("token"));
            JsonObject bobJoined = alice.next(f -> f.getString("type").equals("system")
                    && f.getJsonObject("payload").getString("nick").equals(bob.nick()));
            assertThat(bobJoined.getJsonObject("payload").getString("kind")).isEqualTo("join");
            int members = bobJoined.getJsonObject("payload").getInt("count");
            assertThat(members).isGreaterThanOrEqualTo(2);

            JsonObject ack = alice.request("new_message", "{\"text\":\"hello\"}", "m1");
            assertThat(ack.getString("type")).isEqualTo("ack");
            long seq = ack.getJsonObject("payload").getJsonNumber("seq").longValue();
            for (TestClient member : new TestClient[] {alice, bob}) {
                JsonObject message = member.next("message").getJsonObject("payload");
                assertThat(message.getJsonNumber("seq").longValue()).isEqualTo(seq);
                assertThat(message.getString("text")).isEqualTo("hello");
                assertThat(message.getString("nick")).isEqualTo(alice.nick());
            }

            bob.close();
            JsonObject left = alice.next(f -> f.getString("type").equals("system")
                    && f.getJsonObject("payload").getString("kind").equals("leave"));
            assertThat(left.getJsonObject("payload").getInt("count")).isEqualTo(members - 1);
        }
    }

    @Test
    void badFramesGetTheProtocolsErrorCodesAndTheConnectionStays() {
        try (TestClient client = TestClient.connect(chat)) {
            client.sendRaw("not json");
            assertThat(client.next("error").getJsonObject("payload").getString("code")).isEqualTo("bad_json");
            assertThat(client.request("shout", "{}", "s1").getJsonObject("payload").getString("code"))
                    .isEqualTo("unknown_type");
            assertThat(client.request("new_message", "{\"text\":\"\"}", "e1").getJsonObject("payload").getString("code"))
                    .isEqualTo("invalid_argument");
            assertThat(client.request("join", "{\"room\":\"x\"}", "j1").getJsonObject("payload").getString("code"))
                    .isEqualTo("unsupported");
            client.sendBinary(new byte[] {1, 2});
            assertThat(client.next("error").getJsonObject("payload").getString("code")).isEqualTo("unsupported");
            assertThat(client.ack("ping", "{\"n\":7}", "p1").asJsonObject().getInt("n")).isEqualTo(7);
        }
    }
}
