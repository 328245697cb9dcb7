package dev.sori.it;

import static dev.sori.it.ItSupport.next;
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
        assertSystem(next(a), "join", a.nick(), 1);

        TestClient b = server.connect();
        assertSystem(next(b), "join", b.nick(), 2);
        assertSystem(next(a), "join", b.nick(), 2);

        TestClient c = server.connect();
        assertSystem(next(c), "join", c.nick(), 3);
        assertSystem(next(b), "join", c.nick(), 3);
        assertSystem(next(a), "join", c.nick(), 3);

        c.closeAndWait();
        assertSystem(next(a), "leave", c.nick(), 2);
        assertSystem(next(b), "leave", c.nick(), 2);

        TestClient d = server.connect(); // someone new while others are still here
        assertSystem(next(d), "join", d.nick(), 3);
        assertSystem(next(a), "join", d.nick(), 3);
        assertSystem(next(b), "join", d.nick(), 3);

        b.closeAndWait();
        assertSystem(next(a), "leave", b.nick(), 2);
        assertSystem(next(d), "leave", b.nick(), 2);

        d.closeAndWait();
        assertSystem(next(a), "leave", d.nick(), 1);

        // Nothing else was said to anyone along the way: the next frame is the answer to a ping.
        MessagingIT.assertNextIsAckOfPing(a);
        a.close();
    }

    @Test
    void aConnectionThatDropsWithoutACloseFrameIsAnnouncedAsLeaving() {
        try (TestClient a = server.connect()) {
            next(a); // own join
            String droppedNick;
            try (RawWebSocket dropped = RawWebSocket.connect(server.chat(), 0)) {
                JsonObject joined = next(a);
                droppedNick = joined.getJsonObject("payload").getString("nick");
                assertSystem(joined, "join", droppedNick, 2);
            } // TCP close, no WebSocket close handshake
            assertSystem(next(a), "leave", droppedNick, 1);
        }
    }

    @Test
    void aRenameIsAnnouncedWithOldAndNewNickAndTheCount() {
        try (TestClient a = server.connect(); TestClient b = server.connect(); TestClient c = server.connect()) {
            a.next(ItSupport.joinWithCount(3));
            b.next(ItSupport.joinWithCount(3));
            c.next(ItSupport.joinWithCount(3));
            String old = b.nick();
            b.send("nickname", TestClient.quote("Bee"), null);
            for (TestClient x : new TestClient[] {a, b, c}) {
                JsonObject event = next(x);
                assertSystem(event, "nick", "Bee", 3);
                assertThat(event.getJsonObject("payload").getString("old")).isEqualTo(old);
            }
            // ...and the leave of a renamed client carries its new name.
            b.closeAndWait();
            assertSystem(next(a), "leave", "Bee", 2);
            assertSystem(next(c), "leave", "Bee", 2);
        }
    }

    @Test
    void joinAndLeaveEventsCarryNoOld() {
        try (TestClient a = server.connect()) {
            JsonObject join = next(a).getJsonObject("payload");
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
}
