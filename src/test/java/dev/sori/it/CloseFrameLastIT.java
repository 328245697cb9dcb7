package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A peer that closes while its room is busy gets the server's close frame last: no frame follows
 * it (RFC 6455 §5.5.1: after sending a Close frame an endpoint sends no more data frames).
 * Chromium fails a connection that breaks this with "Data frame received after close"; CI saw it
 * once in {@code BrowserIT}, where a page opens and closes sockets twenty at a time, each one's
 * join and leave a broadcast to the others. Here hand-written peers do the same while a sender
 * keeps the room busy, and each reads everything the server sends until the TCP connection ends.
 * The race needs a thread pre-empted at the wrong moment, so the peers come 64 at a time to keep
 * both cores busy: before {@code CloseLastWriter}, this test failed in one run of six (a leave
 * after the close frame); the writer's own test ({@code CloseLastWriterTest}) pins the order
 * deterministically.
 */
class CloseFrameLastIT {
    private static final int PEERS_AT_ONCE = 64;
    private static final int ROUNDS = 100;

    @Test
    void noFrameFollowsTheServersCloseFrame() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        try (RunningServer server = RunningServer.start(ChatSettings.defaults().withoutAbuseLimits());
             TestClient sender = server.connect()) {
            Thread posting = new Thread(() -> {
                for (int n = 1; busy.get(); n++) {
                    sender.send("new_message", "{\"text\":\"busy " + n + "\",\"echo\":false}", "m" + n);
                    if (n % 50 == 0) {
                        sender.next("ack"); // keep the sender's own queue short
                    }
                }
            }, "posting");
            posting.start();
            List<RawWebSocket.AfterOwnClose> endings;
            try {
                endings = RawWebSocket.closingOnWelcome(server.chat(), PEERS_AT_ONCE, ROUNDS);
            } finally {
                busy.set(false);
                posting.join(10_000);
            }

            assertThat(endings).hasSize(ROUNDS * PEERS_AT_ONCE);
            assertThat(endings).allSatisfy(e -> {
                assertThat(e.closeCode()).as("the server's answer to the peer's close").isEqualTo(1000);
                assertThat(e.after()).as("frames after the server's close frame").isEmpty();
            });
            // The room was busy: the peers got broadcasts between their welcome and their close.
            assertThat(endings.stream().mapToInt(RawWebSocket.AfterOwnClose::before).sum())
                    .isGreaterThan(ROUNDS * PEERS_AT_ONCE);
        }
    }
}
