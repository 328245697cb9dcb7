package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MediaClient;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import dev.sori.testing.TestImages;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Moderation on server.jar (protocol 1.1, "Moderation"): a room's owner removes and bans people
 * and deletes messages; the author deletes their own; everyone else is refused with a clear code,
 * and the connections go on. Bans survive a restart; a deleted message is a tombstone in history
 * and its image is gone.
 */
class ModerationIT {

    private static String createRoom(TestClient owner, String title) {
        return owner.ack("create_room", "{\"title\":\"" + title + "\"}", "c").asJsonObject().getString("room");
    }

    private static void join(TestClient who, String room) {
        who.ack("join", "{\"room\":\"" + room + "\"}", "j-" + room);
    }

    private static JsonObject error(TestClient who, String type, String payload) {
        JsonObject reply = who.request(type, payload, "e-" + type + System.nanoTime());
        assertThat(reply.getString("type")).as(reply.toString()).isEqualTo("error");
        return reply.getJsonObject("payload");
    }

    private static JsonObject next(TestClient who, String type) {
        return who.next(f -> type.equals(f.getString("type"))).getJsonObject("payload");
    }

    private static JsonObject system(TestClient who, String kind) {
        return who.next(f -> "system".equals(f.getString("type"))
                && kind.equals(f.getJsonObject("payload").getString("kind"))).getJsonObject("payload");
    }

    @Test
    void theOwnerRemovesSomeoneWhoMayComeBackAndOthersAreRefused() {
        try (ServerProcess server = ServerProcess.startUnlimited();
             TestClient owner = TestClient.connect(server.chat());
             TestClient bob = TestClient.connect(server.chat());
             TestClient carol = TestClient.connect(server.chat())) {
            String room = createRoom(owner, "moderated");
            join(bob, room);
            join(carol, room);
            String bobUid = bob.welcome().getString("uid");
            String ownerUid = owner.welcome().getString("uid");

            assertThat(error(carol, "kick", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}")
                    .getString("code")).isEqualTo("forbidden");
            assertThat(error(owner, "kick", "{\"room\":\"" + room + "\",\"uid\":\"" + ownerUid + "\"}")
                    .getString("code")).isEqualTo("invalid_argument");
            assertThat(error(carol, "ban", "{\"room\":\"" + room + "\",\"uid\":\"" + ownerUid + "\"}")
                    .getString("code")).isEqualTo("forbidden");
            assertThat(error(owner, "kick", "{\"room\":\"general\",\"uid\":\"" + bobUid + "\"}")
                    .getString("code")).as("general is the API key's").isEqualTo("forbidden");

            owner.ack("kick", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}", "k");
            JsonObject kicked = next(bob, "kicked");
            assertThat(kicked.getString("room")).isEqualTo(room);
            assertThat(kicked.getString("by")).isEqualTo(owner.nick());
            assertThat(kicked.containsKey("banned")).isFalse();
            JsonObject seen = system(carol, "kick");
            assertThat(seen.getString("uid")).isEqualTo(bobUid);
            assertThat(seen.getString("room")).isEqualTo(room);
            assertThat(error(bob, "new_message", "{\"room\":\"" + room + "\",\"text\":\"still here?\"}")
                    .getString("code")).isEqualTo("not_in_room");

            join(bob, room); // a kick is not a ban
            bob.ack("new_message", "{\"room\":\"" + room + "\",\"text\":\"back\"}", "b");
            carol.next(f -> "message".equals(f.getString("type"))
                    && "back".equals(f.getJsonObject("payload").getString("text")));
        }
    }

    @Test
    void aBanKeepsSomeoneOutAcrossReconnectsAndRestartsUntilUnbanned() throws Exception {
        Path dataDir;
        String room;
        String bobToken;
        String bobUid;
        String ownerToken;
        try (ServerProcess server = ServerProcess.startUnlimited();
             TestClient owner = TestClient.connect(server.chat());
             TestClient bob = TestClient.connect(server.chat());
             TestClient carol = TestClient.connect(server.chat())) {
            dataDir = server.dataDir();
            room = createRoom(owner, "strict");
            join(bob, room);
            join(carol, room);
            bobToken = bob.token();
            bobUid = bob.welcome().getString("uid");
            ownerToken = owner.token();

            owner.ack("ban", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}", "b");
            assertThat(next(bob, "kicked").getBoolean("banned")).isTrue();
            assertThat(system(carol, "ban").getString("uid")).isEqualTo(bobUid);
            assertThat(error(bob, "join", "{\"room\":\"" + room + "\"}").getString("code")).isEqualTo("forbidden");
            owner.ack("ban", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}", "again"); // no error
            try (TestClient bobAgain = TestClient.connect(server.chat(), bobToken)) {
                assertThat(error(bobAgain, "join", "{\"room\":\"" + room + "\"}").getString("code"))
                        .isEqualTo("forbidden");
            }
            server.terminate(Duration.ofSeconds(30));
        }
        try (ServerProcess again = ServerProcess.startUnlimited("--data-dir", dataDir.toString());
             TestClient bob = TestClient.connect(again.chat(), bobToken)) {
            assertThat(bob.welcome().getString("uid")).isEqualTo(bobUid);
            assertThat(error(bob, "join", "{\"room\":\"" + room + "\"}").getString("message")).contains("banned");
            try (TestClient stranger = TestClient.connect(again.chat())) {
                assertThat(error(stranger, "unban", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}")
                        .getString("code")).as("not the owner").isEqualTo("forbidden");
            }
            try (TestClient owner = TestClient.connect(again.chat(), ownerToken)) {
                owner.ack("unban", "{\"room\":\"" + room + "\",\"uid\":\"" + bobUid + "\"}", "u");
            }
            join(bob, room);
        }
    }

    @Test
    void authorsAndOwnersDeleteMessagesWhichStayAsTombstonesWithoutTheirImage() {
        try (ServerProcess server = ServerProcess.startUnlimited("--uploads-per-minute", "0");
             TestClient owner = TestClient.connect(server.chat());
             TestClient bob = TestClient.connect(server.chat());
             TestClient carol = TestClient.connect(server.chat())) {
            String room = createRoom(owner, "pictures");
            join(bob, room);
            join(carol, room);
            MediaClient http = new MediaClient(server.page());
            JsonObject media = http.upload(bob.token(), TestImages.png(30, 20), "image/png").json();
            long picture = bob.ack("new_message", "{\"room\":\"" + room + "\",\"media\":\"" + media.getString("id")
                    + "\",\"text\":\"mine\"}", "p").asJsonObject().getJsonNumber("seq").longValue();
            long carols = carol.ack("new_message", "{\"room\":\"" + room + "\",\"text\":\"hers\"}", "c")
                    .asJsonObject().getJsonNumber("seq").longValue();

            assertThat(error(carol, "delete_message", "{\"room\":\"" + room + "\",\"seq\":" + picture + "}")
                    .getString("code")).isEqualTo("forbidden");
            assertThat(error(bob, "delete_message", "{\"room\":\"" + room + "\",\"seq\":999}").getString("code"))
                    .isEqualTo("not_found");

            bob.ack("delete_message", "{\"room\":\"" + room + "\",\"seq\":" + picture + "}", "d1"); // the author
            JsonObject deleted = next(carol, "message_deleted");
            assertThat(deleted.getString("room")).isEqualTo(room);
            assertThat(deleted.getJsonNumber("seq").longValue()).isEqualTo(picture);
            bob.ack("delete_message", "{\"room\":\"" + room + "\",\"seq\":" + picture + "}", "d2"); // again: fine
            owner.ack("delete_message", "{\"room\":\"" + room + "\",\"seq\":" + carols + "}", "d3"); // the owner
            next(bob, "message_deleted");

            JsonObject history = carol.ack("history", "{\"room\":\"" + room + "\"}", "h").asJsonObject();
            JsonObject tombstone = history.getJsonArray("messages").stream().map(v -> v.asJsonObject())
                    .filter(m -> m.getJsonNumber("seq").longValue() == picture).findFirst().orElseThrow();
            assertThat(tombstone.getBoolean("deleted")).isTrue();
            assertThat(tombstone.getString("text")).isEmpty();
            assertThat(tombstone.containsKey("media")).isFalse();
            assertThat(tombstone.getString("uid")).isEqualTo(bob.welcome().getString("uid"));
            assertThat(http.fetch("GET", media.getString("url")).status()).as("its image is gone").isEqualTo(404);
        }
    }

    private static java.net.http.HttpResponse<String> moderate(ServerProcess server, String key, String room,
                                                               String body) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                server.page().resolve("api/rooms/" + room + "/moderation"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServersApiKeyModeratesGeneralWhichHasNoOwner() throws Exception {
        try (ServerProcess server = ServerProcess.startUnlimited("--api-key", "old-key,mod-key");
             TestClient ada = TestClient.connect(server.chat());
             TestClient bob = TestClient.connect(server.chat())) {
            String bobUid = bob.welcome().getString("uid");
            long seq = bob.ack("new_message", "\"spam\"", "s").asJsonObject().getJsonNumber("seq").longValue();

            assertThat(moderate(server, null, "general", "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")
                    .statusCode()).isEqualTo(401);
            assertThat(moderate(server, "wrong", "general", "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")
                    .statusCode()).isEqualTo(401);
            assertThat(moderate(server, "mod-key", "general", "{\"type\":\"shout\"}").statusCode()).isEqualTo(400);
            assertThat(moderate(server, "mod-key", "nowhere", "{\"type\":\"kick\",\"uid\":\"" + bobUid + "\"}")
                    .statusCode()).isEqualTo(404);
            assertThat(moderate(server, "mod-key", "general", "{\"type\":\"delete_message\",\"seq\":99999}")
                    .statusCode()).isEqualTo(404);

            try (EventStreamReader stream = EventStreamReader.open(server.page().resolve("/api/rooms/general/events"), null)) {
                var deleted = moderate(server, "mod-key", "general", "{\"type\":\"delete_message\",\"seq\":" + seq + "}");
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
                assertThat(next(ada, "message_deleted").getJsonNumber("seq").longValue()).isEqualTo(seq);
                EventStreamReader.Event gone = stream.next("message_deleted");
                assertThat(gone.id()).as("not a message: no id").isNull();
                assertThat(ItSupport.parse(gone.data())).isEqualTo(ItSupport.parse(
                        "{\"room\":\"general\",\"seq\":" + seq + "}"));
            }
            try (EventStreamReader replay = EventStreamReader.open(
                    server.page().resolve("/api/rooms/general/events?since=" + (seq - 1)), null)) {
                JsonObject tombstone = ItSupport.parse(replay.next("message").data());
                assertThat(tombstone.getJsonNumber("seq").longValue()).isEqualTo(seq);
                assertThat(tombstone.getBoolean("deleted")).isTrue();
                assertThat(tombstone.getString("text")).isEmpty();
                assertThat(tombstone.containsKey("media")).isFalse();
            }

            var banned = moderate(server, "mod-key", "general", "{\"type\":\"ban\",\"uid\":\"" + bobUid + "\"}");
            assertThat(banned.statusCode()).as(banned.body()).isEqualTo(200);
            JsonObject kicked = next(bob, "kicked");
            assertThat(kicked.getString("room")).isEqualTo("general");
            assertThat(kicked.getString("by")).isEqualTo("Sori");
            assertThat(system(ada, "ban").getString("uid")).isEqualTo(bobUid);
            try (TestClient bobAgain = TestClient.connect(server.chat(), bob.token())) {
                assertThat(bobAgain.welcome().containsKey("room")).as("banned from general: no room").isFalse();
                assertThat(error(bobAgain, "join", "{\"room\":\"general\"}").getString("code")).isEqualTo("forbidden");
            }
            assertThat(moderate(server, "old-key", "general", "{\"type\":\"unban\",\"uid\":\"" + bobUid + "\"}")
                    .statusCode()).isEqualTo(200);
            join(bob, "general");
            assertThat(server.output()).doesNotContain("mod-key").doesNotContain("old-key");
        }
        try (ServerProcess keyless = ServerProcess.startUnlimited()) {
            assertThat(moderate(keyless, "anything", "general", "{\"type\":\"kick\",\"uid\":\"x\"}").statusCode())
                    .as("no API key configured: no such endpoint").isEqualTo(404);
        }
    }
}
