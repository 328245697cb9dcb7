package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.protocol.ClientFrameDecoder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Rooms, the lobby, history and recovery in the domain, with in-memory connections and log. */
class RoomsTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private Hub hub = new Hub(ChatSettings.defaults(), "test", now::get);

    @AfterEach
    void closeHub() {
        hub.close();
    }

    /** A connected client and what it was sent. */
    private final class Peer {
        final FakeConnection connection = new FakeConnection().withLobbyUpdates();
        final Client client = hub.connect(connection, null);
        private int requests;

        JsonObject request(String type, String payload) {
            String id = "r" + (++requests);
            connection.sent.clear();
            client.handle(new ClientFrameDecoder().decode(
                    "{\"type\":\"" + type + "\",\"id\":\"" + id + "\"" + (payload == null ? "" : ",\"payload\":" + payload) + "}"));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                for (JsonObject f : frames()) {
                    if (id.equals(f.getString("id", null))) {
                        return f;
                    }
                }
                Thread.onSpinWait();
            }
            throw new AssertionError("no reply to " + type);
        }

        JsonObject ack(String type, String payload) {
            JsonObject reply = request(type, payload);
            assertThat(reply.getString("type")).as("reply to %s: %s", type, reply).isEqualTo("ack");
            return reply.getJsonObject("payload");
        }

        String error(String type, String payload) {
            JsonObject reply = request(type, payload);
            assertThat(reply.getString("type")).as("reply to %s: %s", type, reply).isEqualTo("error");
            return reply.getJsonObject("payload").getString("code");
        }

        synchronized List<JsonObject> frames() {
            synchronized (connection) {
                return connection.sent.stream().map(RoomsTest::parse).toList();
            }
        }

        List<JsonObject> framesOfType(String type) {
            return frames().stream().filter(f -> f.getString("type").equals(type)).toList();
        }
    }

    @Test
    void creatingARoomJoinsItsOwnerAndTellsEveryone() {
        Peer owner = new Peer();
        Peer other = new Peer();
        other.connection.sent.clear();

        JsonObject joined = owner.ack("create_room", "{\"title\":\"  Cats  \",\"max\":5}");
        assertThat(joined.getString("title")).isEqualTo("Cats");
        assertThat(joined.getInt("count")).isEqualTo(1);
        assertThat(joined.getJsonArray("history")).isEmpty();
        String room = joined.getString("room");

        JsonObject created = parse(other.connection.sent.get(0));
        assertThat(created.getString("type")).isEqualTo("room_created");
        assertThat(created.getJsonObject("payload").getString("room")).isEqualTo(room);
        assertThat(created.getJsonObject("payload").getInt("max")).isEqualTo(5);
        assertThat(created.getJsonObject("payload").getBoolean("locked")).isFalse();
        assertThat(created.getJsonObject("payload").getString("owner")).isEqualTo(owner.client.identity().nick());

        JsonObject list = other.ack("list_rooms", null);
        assertThat(list.getJsonArray("rooms").getValuesAs(JsonObject.class))
                .extracting(r -> r.getString("room")).containsExactly("general", room);
    }

    @Test
    void passwordsAndCapacityGuardTheDoor() {
        Peer owner = new Peer();
        String room = owner.ack("create_room", "{\"title\":\"Secret\",\"max\":2,\"password\":\"hunter2\"}").getString("room");
        owner.ack("new_message", "{\"text\":\"private words\",\"room\":\"" + room + "\"}");

        Peer guest = new Peer();
        assertThat(guest.error("join", "{\"room\":\"" + room + "\"}")).isEqualTo("forbidden");
        JsonObject refused = guest.request("join", "{\"room\":\"" + room + "\",\"password\":\"nope\"}");
        assertThat(refused.getJsonObject("payload").getString("code")).isEqualTo("forbidden");
        assertThat(refused.toString()).doesNotContain("private words");

        JsonObject joined = guest.ack("join", "{\"room\":\"" + room + "\",\"password\":\"hunter2\"}");
        assertThat(joined.getInt("count")).isEqualTo(2);
        assertThat(joined.getJsonArray("history").getJsonObject(0).getString("text")).isEqualTo("private words");

        Peer third = new Peer();
        assertThat(third.error("join", "{\"room\":\"" + room + "\",\"password\":\"hunter2\"}")).isEqualTo("room_full");
        assertThat(third.error("join", "{\"room\":\"nope\"}")).isEqualTo("not_found");
    }

    @Test
    void onlyTheOwnerDeletesAndMembersStayConnected() {
        Peer owner = new Peer();
        Peer member = new Peer();
        String room = owner.ack("create_room", "{\"title\":\"Temp\"}").getString("room");
        member.ack("join", "{\"room\":\"" + room + "\"}");

        assertThat(member.error("delete_room", "{\"room\":\"" + room + "\"}")).isEqualTo("forbidden");
        assertThat(owner.error("delete_room", "{\"room\":\"general\"}")).isEqualTo("forbidden");
        member.connection.sent.clear();
        owner.ack("delete_room", "{\"room\":\"" + room + "\"}");

        assertThat(member.framesOfType("room_removed")).hasSize(1);
        assertThat(member.client.rooms()).extracting(Room::id).containsExactly("general");
        assertThat(member.error("new_message", "{\"text\":\"hi\",\"room\":\"" + room + "\"}")).isEqualTo("not_in_room");
        assertThat(member.connection.closeCode).isZero();
    }

    @Test
    void joinWithSinceReplaysExactlyWhatWasMissed() {
        Peer writer = new Peer();
        Peer reader = new Peer();
        String room = writer.ack("create_room", "{\"title\":\"Log\"}").getString("room");
        reader.ack("join", "{\"room\":\"" + room + "\"}");
        for (int i = 1; i <= 3; i++) {
            writer.ack("new_message", "{\"text\":\"m" + i + "\",\"room\":\"" + room + "\"}");
        }
        reader.ack("leave", "{\"room\":\"" + room + "\"}");
        for (int i = 4; i <= 8; i++) {
            writer.ack("new_message", "{\"text\":\"m" + i + "\",\"room\":\"" + room + "\"}");
        }

        JsonObject back = reader.ack("join", "{\"room\":\"" + room + "\",\"since\":3}");
        assertThat(back.getBoolean("recovered")).isTrue();
        assertThat(back.getJsonArray("history").getValuesAs(JsonObject.class))
                .extracting(m -> m.getInt("seq")).containsExactly(4, 5, 6, 7, 8);

        JsonObject page = reader.ack("history", "{\"room\":\"" + room + "\",\"before\":6,\"limit\":2}");
        assertThat(page.getJsonArray("messages").getValuesAs(JsonObject.class))
                .extracting(m -> m.getString("text")).containsExactly("m4", "m5");

        JsonObject future = reader.ack("join", "{\"room\":\"" + room + "\",\"since\":99}");
        assertThat(future.getBoolean("recovered")).isFalse();
        assertThat(future.getJsonArray("history")).hasSize(8);
    }

    @Test
    void typingGoesToTheOthersOnly() {
        Peer a = new Peer();
        Peer b = new Peer();
        b.connection.sent.clear();
        a.ack("typing", "{\"room\":\"general\"}");
        assertThat(b.framesOfType("typing")).hasSize(1);
        assertThat(a.framesOfType("typing")).isEmpty();
        assertThat(a.error("typing", "{\"room\":\"elsewhere\"}")).isEqualTo("not_in_room");
    }

    @Test
    void countChangesReachTheLobbyCoalesced() throws Exception {
        Peer watcher = new Peer();
        watcher.connection.sent.clear();
        for (int i = 0; i < 5; i++) {
            new Peer();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (watcher.framesOfType("room_updated").isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<JsonObject> updates = watcher.framesOfType("room_updated");
        assertThat(updates).isNotEmpty().hasSizeLessThan(5);
        assertThat(updates.get(updates.size() - 1).getJsonObject("payload").getInt("count")).isEqualTo(6);
    }

    @Test
    void emptyRoomsGoAwayAfterTheConfiguredTime() throws Exception {
        hub.close();
        hub = new Hub(ChatSettings.defaults().withRooms(100, Duration.ofMinutes(5)), "test", now::get);
        Peer owner = new Peer();
        String room = owner.ack("create_room", "{\"title\":\"Brief\"}").getString("room");
        owner.ack("leave", "{\"room\":\"" + room + "\"}");
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        // The lobby forgets the room, then announces it: wait for both.
        while ((hub.lobby().find(room) != null || owner.framesOfType("room_removed").isEmpty())
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(hub.lobby().find(room)).isNull();
        assertThat(owner.framesOfType("room_removed")).hasSize(1);
    }

    @Test
    void badRoomRequestsAreInvalidArguments() {
        Peer p = new Peer();
        assertThat(p.error("create_room", "{\"title\":\"\"}")).isEqualTo("invalid_argument");
        assertThat(p.error("create_room", "{\"title\":\"" + "x".repeat(65) + "\"}")).isEqualTo("invalid_argument");
        assertThat(p.error("create_room", "{\"title\":\"ok\",\"max\":1}")).isEqualTo("invalid_argument");
        assertThat(p.error("create_room", "{\"title\":5}")).isEqualTo("invalid_argument");
        assertThat(p.error("create_room", "\"title\"")).isEqualTo("invalid_argument");
        assertThat(p.error("join", "{\"room\":\"general\",\"since\":\"x\"}")).isEqualTo("invalid_argument");
        assertThat(p.error("history", "{\"room\":\"general\",\"limit\":101}")).isEqualTo("invalid_argument");
        assertThat(p.error("join", "{}")).isEqualTo("invalid_argument");
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }
}
