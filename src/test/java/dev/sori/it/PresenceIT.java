package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code system} {@code join}/{@code leave}/{@code nick} with the live {@code count}: each
 * client's stream of events, frame by frame, as clients come and go.
 */
class PresenceIT {
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void threeClientsJoiningAndLeavingEachSeeTheRightCounts() {
        TestClient a = server.connect();
        assertSystem(a.next(), "join", a.nick(), 1);

        TestClient b = server.connect();
        assertSystem(b.next(), "join", b.nick(), 2);
        assertSystem(a.next(), "join", b.nick(), 2);

        TestClient c = server.connect();
        assertSystem(c.next(), "join", c.nick(), 3);
        assertSystem(b.next(), "join", c.nick(), 3);
        assertSystem(a.next(), "join", c.nick(), 3);

        c.closeAndWait();
        assertSystem(a.next(), "leave", c.nick(), 2);
        assertSystem(b.next(), "leave", c.nick(), 2);

        TestClient d = server.connect(); // someone new while others are still here
        assertSystem(d.next(), "join", d.nick(), 3);
        assertSystem(a.next(), "join", d.nick(), 3);
        assertSystem(b.next(), "join", d.nick(), 3);

        b.closeAndWait();
        assertSystem(a.next(), "leave", b.nick(), 2);
        assertSystem(d.next(), "leave", b.nick(), 2);

        d.closeAndWait();
        assertSystem(a.next(), "leave", d.nick(), 1);

        // Nothing else was said to anyone along the way: the next frame is the answer to a ping.
        MessagingIT.assertNextIsAckOfPing(a);
        a.close();
    }

    @Test
    void aConnectionThatDropsWithoutACloseFrameIsAnnouncedAsLeaving() {
        try (TestClient a = server.connect()) {
            a.next(); // own join
            String droppedNick;
            try (RawWebSocket dropped = RawWebSocket.connect(server.chat(), 0)) {
                JsonObject joined = a.next();
                droppedNick = joined.getJsonObject("payload").getString("nick");
                assertSystem(joined, "join", droppedNick, 2);
            } // TCP close, no WebSocket close handshake
            assertSystem(a.next(), "leave", droppedNick, 1);
        }
    }

    @Test
    void aRenameIsAnnouncedWithOldAndNewNickAndTheCount() {
        try (TestClient a = server.connect(); TestClient b = server.connect(); TestClient c = server.connect()) {
            a.next(f -> isCount(f, 3));
            b.next(f -> isCount(f, 3));
            c.next(f -> isCount(f, 3));
            String old = b.nick();
            b.send("nickname", TestClient.quote("Bee"), null);
            for (TestClient x : new TestClient[] {a, b, c}) {
                JsonObject event = x.next();
                assertSystem(event, "nick", "Bee", 3);
                assertThat(event.getJsonObject("payload").getString("old")).isEqualTo(old);
            }
            // ...and the leave of a renamed client carries its new name.
            b.closeAndWait();
            assertSystem(a.next(), "leave", "Bee", 2);
            assertSystem(c.next(), "leave", "Bee", 2);
        }
    }

    @Test
    void joinAndLeaveEventsCarryNoOld() {
        try (TestClient a = server.connect()) {
            JsonObject join = a.next().getJsonObject("payload");
            assertThat(join.containsKey("old")).isFalse();
            assertThat(join.containsKey("nicks")).isFalse();
        }
    }

    static void assertSystem(JsonObject frame, String kind, String nick, int count) {
        assertThat(frame.getString("type")).as("frame %s", frame).isEqualTo("system");
        JsonObject p = frame.getJsonObject("payload");
        assertThat(p.getString("room")).as("room in %s", frame).isEqualTo("general");
        assertThat(p.getString("kind")).as("kind in %s", frame).isEqualTo(kind);
        assertThat(p.getString("nick")).as("nick in %s", frame).isEqualTo(nick);
        assertThat(p.getInt("count")).as("count in %s", frame).isEqualTo(count);
        assertThat(p.getJsonNumber("ts").longValue()).as("ts in %s", frame).isPositive();
    }

    private static boolean isCount(JsonObject frame, int count) {
        return "system".equals(frame.getString("type")) && frame.getJsonObject("payload").getInt("count") == count;
    }
}
