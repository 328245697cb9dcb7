package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.RunningServer;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol 1.1's core parts over real sockets: {@code uid} for identities, {@code people} beside
 * {@code count}, {@code cid} posting exactly once (also across a SIGKILL and restart) and
 * {@code echo:false}.
 */
class Protocol11IT {
    private RunningServer server;

    private RunningServer server() {
        if (server == null) {
            server = RunningServer.start();
        }
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonObject payload(JsonObject frame) {
        return frame.getJsonObject("payload");
    }

    private static JsonObject message(TestClient client) {
        return payload(client.next("message"));
    }

    @Test
    void twoTabsOfOnePersonShareAUidAndTwoPeopleDoNot() {
        try (TestClient ada = server().connect();
             TestClient adaAgain = TestClient.connect(server().chat(), ada.token());
             TestClient bob = server().connect()) {
            String uid = ada.welcome().getString("uid");
            assertThat(uid).isNotBlank().hasSizeLessThanOrEqualTo(32)
                    .isNotEqualTo(ada.token()).doesNotContain(ada.token());
            assertThat(adaAgain.welcome().getString("uid")).isEqualTo(uid);
            assertThat(bob.welcome().getString("uid")).isNotEqualTo(uid);
            assertThat(ada.welcome().getJsonObject("server").getString("protocol")).isEqualTo("1");
            assertThat(ada.welcome().getJsonObject("server").getJsonArray("features").getValuesAs(
                    jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString))
                    .contains("uid", "people", "cid", "echo");

            // Every event names its identity by uid: message, typing, system, members, history.
            adaAgain.ack("new_message", "{\"text\":\"hi\",\"room\":\"general\"}", "m");
            assertThat(message(bob).getString("uid")).isEqualTo(uid);
            adaAgain.send("typing", "{\"room\":\"general\"}", null);
            assertThat(payload(bob.next("typing")).getString("uid")).isEqualTo(uid);
            JsonObject created = ada.ack("create_room", "{\"title\":\"Uids\"}", "c").asJsonObject();
            String room = created.getString("room");
            JsonObject joined = bob.ack("join", "{\"room\":\"" + room + "\"}", "j").asJsonObject();
            assertThat(joined.getJsonArray("members").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getString("uid")).containsExactlyInAnyOrder(uid, bob.welcome().getString("uid"));
            JsonObject bobsJoin = payload(ada.next(f -> "system".equals(f.getString("type"))
                    && room.equals(payload(f).getString("room")) && payload(f).getInt("count") == 2));
            assertThat(bobsJoin.getString("uid")).isEqualTo(bob.welcome().getString("uid"));
            JsonObject history = bob.ack("history", "{\"room\":\"general\"}", "h").asJsonObject();
            assertThat(history.getJsonArray("messages").getValuesAs(JsonObject.class))
                    .extracting(m -> m.getString("uid")).containsExactly(uid);
        }
    }

    @Test
    void peopleCountsIdentitiesWhileCountCountsConnections() {
        try (TestClient ada = server().connect();
             TestClient adaAgain = TestClient.connect(server().chat(), ada.token());
             TestClient bob = server().connect()) {
            String room = ada.ack("create_room", "{\"title\":\"Heads\"}", "c").asJsonObject().getString("room");
            JsonObject second = adaAgain.ack("join", "{\"room\":\"" + room + "\"}", "j").asJsonObject();
            assertThat(second.getInt("count")).isEqualTo(2);
            assertThat(second.getInt("people")).isEqualTo(1);
            JsonObject third = bob.ack("join", "{\"room\":\"" + room + "\"}", "j").asJsonObject();
            assertThat(third.getInt("count")).isEqualTo(3);
            assertThat(third.getInt("people")).isEqualTo(2);
            JsonObject announced = payload(ada.next(f -> "system".equals(f.getString("type"))
                    && room.equals(payload(f).getString("room")) && payload(f).getInt("count") == 3));
            assertThat(announced.getInt("people")).isEqualTo(2);
            JsonObject updated = payload(ada.next(f -> "room_updated".equals(f.getString("type"))
                    && room.equals(payload(f).getString("room")) && payload(f).getInt("count") == 3));
            assertThat(updated.getInt("people")).isEqualTo(2);

            adaAgain.ack("leave", "{\"room\":\"" + room + "\"}", "l");
            JsonObject left = payload(bob.next(f -> "system".equals(f.getString("type"))
                    && "leave".equals(payload(f).getString("kind"))));
            assertThat(left.getInt("count")).isEqualTo(2);
            assertThat(left.getInt("people")).isEqualTo(2); // ada is still there, in her other tab
        }
    }

    @Test
    void echoFalseSparesOnlyTheSendingConnection() {
        try (TestClient ada = server().connect();
             TestClient adaAgain = TestClient.connect(server().chat(), ada.token());
             TestClient bob = server().connect()) {
            JsonObject ack = ada.ack("new_message", "{\"text\":\"quiet\",\"cid\":\"e-1\",\"echo\":false}", "m")
                    .asJsonObject();
            assertThat(ack.getString("cid")).isEqualTo("e-1");
            assertThat(message(bob).getString("text")).isEqualTo("quiet");
            JsonObject mine = message(adaAgain); // the sender's other tab gets it
            assertThat(mine.getString("cid")).isEqualTo("e-1");
            assertThat(mine.getInt("seq")).isEqualTo(ack.getInt("seq"));
            ada.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(500));

            // Without echo:false it comes back, before the ack.
            ada.send("new_message", "{\"text\":\"loud\"}", "n");
            assertThat(next(ada).getString("type")).isEqualTo("message");
            assertThat(next(ada).getString("type")).isEqualTo("ack");
        }
    }

    @Test
    void aResentCidIsAckedWithTheOriginalSeqAndPostedOnce() {
        try (TestClient ada = server().connect(); TestClient bob = server().connect()) {
            JsonObject first = ada.ack("new_message", "{\"text\":\"once\",\"cid\":\"k-1\"}", "1").asJsonObject();
            assertThat(first.containsKey("duplicate")).isFalse();
            assertThat(message(bob).getString("cid")).isEqualTo("k-1");
            ada.clear();
            JsonObject again = ada.ack("new_message", "{\"text\":\"once\",\"cid\":\"k-1\"}", "2").asJsonObject();
            assertThat(again.getInt("seq")).isEqualTo(first.getInt("seq"));
            assertThat(again.getBoolean("duplicate")).isTrue();
            assertThat(again.getString("cid")).isEqualTo("k-1");
            bob.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(500));
            ada.expectNone(f -> "message".equals(f.getString("type")), Duration.ofMillis(100));

            // A bad cid is refused with a clear error, and the connection lives on.
            JsonObject bad = ada.request("new_message", "{\"text\":\"x\",\"cid\":\"no spaces\"}", "3");
            assertThat(payload(bad).getString("code")).isEqualTo("invalid_argument");
            assertThat(ada.ack("ping", "1", "4").toString()).isEqualTo("1");
        }
    }

    /**
     * The reason for cid: the ack is lost with the server (SIGKILL), the client reconnects with its
     * token to the restarted server and sends again. It gets the original seq, and history holds
     * the message once.
     */
    @Test
    void aCidResentAfterTheServerWasKilledAndRestartedIsNotStoredTwice() throws Exception {
        String token;
        long seq;
        java.nio.file.Path dataDir;
        try (ServerProcess first = ServerProcess.start()) {
            dataDir = first.dataDir();
            try (TestClient ada = TestClient.connect(first.chat())) {
                token = ada.token();
                seq = ada.ack("new_message", "{\"text\":\"before the crash\",\"cid\":\"crash-1\"}", "1")
                        .asJsonObject().getJsonNumber("seq").longValue();
            }
            first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.process().waitFor();
        }
        try (ServerProcess again = ServerProcess.start("--data-dir", dataDir.toString());
             TestClient ada = TestClient.connect(again.chat(), token)) {
            JsonObject resent = ada.ack("new_message", "{\"text\":\"before the crash\",\"cid\":\"crash-1\"}", "2")
                    .asJsonObject();
            assertThat(resent.getJsonNumber("seq").longValue()).isEqualTo(seq);
            assertThat(resent.getBoolean("duplicate")).isTrue();
            List<JsonObject> history = ada.ack("history", "{\"room\":\"general\"}", "h").asJsonObject()
                    .getJsonArray("messages").getValuesAs(JsonObject.class);
            assertThat(history).extracting(m -> m.getString("text")).containsOnlyOnce("before the crash");
            assertThat(history).extracting(m -> m.getString("cid", null)).containsOnlyOnce("crash-1");
        }
    }
}
