package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "The server pings idle connections and closes one that does not answer in time", with a
 * short interval and timeout, and {@code /healthz} following the connections as they go.
 */
class HeartbeatIT {
    private static final Duration PING_INTERVAL = Duration.ofMillis(200);
    /** Generous against the interval, so that a loaded machine cannot delay a pong past it. */
    private static final Duration PING_TIMEOUT = Duration.ofMillis(1500);

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(new ChatSettings(2000, 1000, 1 << 20, PING_INTERVAL, PING_TIMEOUT, 1000));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aClientThatAnswersPingsStaysConnectedWhileSilent() {
        // The JDK client answers every ping with a pong by itself, without the application.
        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            a.next(ItSupport.joinWithCount(2));
            b.next(ItSupport.joinWithCount(2));

            a.expectSilence(PING_TIMEOUT.multipliedBy(2)); // the wait is the test: two timeouts long
            assertThat(a.isOpen()).isTrue();
            assertThat(b.isOpen()).isTrue();
            b.expectSilence(Duration.ofMillis(1)); // no leave, nothing
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(2);

            a.send("new_message", TestClient.quote("alive"), null);
            assertThat(b.next("message").getJsonObject("payload").getString("text")).isEqualTo("alive");
        }
    }

    @Test
    void aClientThatNeverAnswersIsPingedThenClosedWith1001() throws IOException {
        try (TestClient watcher = server.connect()) {
            next(watcher); // own join
            long connecting = System.nanoTime(); // before the server can start counting the silence
            try (RawWebSocket mute = RawWebSocket.connect(server.chat(), 0)) {
                String muteNick = next(watcher).getJsonObject("payload").getString("nick");

                // It reads everything but never sends a pong: first pings, then a close with 1001.
                boolean pinged = false;
                RawWebSocket.Frame frame;
                while ((frame = mute.readFrame()).opcode() != RawWebSocket.OP_CLOSE) {
                    pinged |= frame.opcode() == RawWebSocket.OP_PING;
                }
                Duration after = Duration.ofNanos(System.nanoTime() - connecting);
                assertThat(pinged).as("pinged before being closed").isTrue();
                assertThat(frame.closeCode()).isEqualTo(1001);
                assertThat(after).as("closed after").isGreaterThanOrEqualTo(PING_TIMEOUT)
                        .isLessThan(PING_TIMEOUT.plusSeconds(5));
                mute.sendClose(1001);
                assertEndOfStream(mute);

                PresenceIT.assertSystem(next(watcher), "leave", muteNick, 1);
                ItSupport.awaitValue("connections in /healthz", 1, () -> ItSupport.healthConnections(server.base()));
            }
            // The watcher, answering its pings all along, is still here.
            assertThat(watcher.isOpen()).isTrue();
            MessagingIT.assertNextIsAckOfPing(watcher);
        }
    }

    @Test
    void aClientThatAnswersPingsByHandStaysConnected() throws IOException {
        try (RawWebSocket polite = RawWebSocket.connect(server.chat(), 0)) {
            long until = System.nanoTime() + PING_TIMEOUT.multipliedBy(2).toNanos();
            int pings = 0;
            while (System.nanoTime() < until) {
                RawWebSocket.Frame frame = polite.readFrame();
                assertThat(frame.opcode()).as("frame %s", frame).isNotEqualTo(RawWebSocket.OP_CLOSE);
                if (frame.opcode() == RawWebSocket.OP_PING) {
                    pings++;
                    polite.sendPong(frame.payload());
                }
            }
            assertThat(pings).isPositive();
            polite.sendText("{\"type\":\"ping\",\"id\":\"r1\"}");
            RawWebSocket.Frame reply = polite.readUntil(RawWebSocket.OP_TEXT);
            assertThat(reply.text()).contains("\"ack\"").contains("\"r1\"");
        }
    }

    @Test
    void healthzCountsConnectionsAsTheyComeAndGo() {
        assertThat(ItSupport.healthConnections(server.base())).isZero();
        TestClient a = server.connect();
        TestClient b = server.connect();
        TestClient c = server.connect();
        assertThat(ItSupport.healthConnections(server.base())).isEqualTo(3);

        c.closeAndWait(); // a clean close
        ItSupport.awaitValue("connections in /healthz", 2, () -> ItSupport.healthConnections(server.base()));
        b.close(); // an abrupt one
        ItSupport.awaitValue("connections in /healthz", 1, () -> ItSupport.healthConnections(server.base()));
        a.closeAndWait();
        ItSupport.awaitValue("connections in /healthz", 0, () -> ItSupport.healthConnections(server.base()));
    }

    private static void assertEndOfStream(RawWebSocket ws) throws IOException {
        try {
            RawWebSocket.Frame extra = ws.readFrame();
            throw new AssertionError("a frame after the close: " + extra);
        } catch (EOFException | SocketException expected) {
            // the server closed the TCP connection
        }
    }
}
