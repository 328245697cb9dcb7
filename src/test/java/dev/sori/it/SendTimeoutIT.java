package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading is closed with 1013 once a send to it has stayed unfinished for
 * {@code --send-timeout}, long before its queue could reach the outbox caps (here out of reach:
 * a million frames, 256 MiB), and the others carry on.
 *
 * <p>The stalled reader is a raw socket with a 4 KiB receive buffer that never reads after the
 * handshake. A send to it stays unfinished only once the kernel's buffers towards it are full, so
 * the test posts 30 KB messages (a few MiB fill them) at a steady pace until the server lets go.
 */
class SendTimeoutIT {
    private static final int TEXT_CHARS = 30_000;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);
    /** 2,000 × 30 KB = 60 MB: far beyond the kernel's buffers, far below the byte cap. */
    private static final int MAX_MESSAGES = 2000;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aReaderWhoseSendStaysUnfinishedIsClosedWith1013BeforeAnyCap() throws Exception {
        server = RunningServer.start(new ChatSettings(TEXT_CHARS + 100, 1_000_000, 256L << 20,
                Duration.ofSeconds(120), Duration.ofSeconds(240), 1000).withoutAbuseLimits().withSendTimeout(SEND_TIMEOUT));
        try (TestClient sender = server.connect(); TestClient receiver = server.connect();
             RawWebSocket stalled = RawWebSocket.connect(server.chat(), 4096)) {
            sender.next(ItSupport.joinWithCount(3));
            receiver.next(ItSupport.joinWithCount(3));
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(3);

            // About 100 messages (3 MB) a second: the stalled peer's buffers fill within seconds.
            int posted = 0;
            long started = System.nanoTime();
            while (ItSupport.healthConnections(server.base()) == 3) {
                assertThat(posted).as("messages posted without the stalled client being cut loose")
                        .isLessThan(MAX_MESSAGES);
                for (int i = 0; i < 10; i++) {
                    posted++;
                    sender.send("new_message", "{\"text\":" + TestClient.quote(text(posted)) + "}", "m" + posted);
                }
                Thread.sleep(100);
            }
            Duration cutAfter = Duration.ofNanos(System.nanoTime() - started);
            // Not before the timeout could have run out: the caps were out of reach, so it was the time rule.
            assertThat(cutAfter).isGreaterThanOrEqualTo(SEND_TIMEOUT);

            // The receiver got every message, in order, and saw the stalled client leave.
            int received = 0;
            boolean sawLeave = false;
            while (received < posted || !sawLeave) {
                JsonObject f = next(receiver);
                if ("message".equals(f.getString("type"))) {
                    received++;
                    assertThat(f.getJsonObject("payload").getJsonNumber("seq").longValue()).isEqualTo(received);
                } else if ("system".equals(f.getString("type"))
                        && "leave".equals(f.getJsonObject("payload").getString("kind"))) {
                    assertThat(f.getJsonObject("payload").getInt("count")).isEqualTo(2);
                    sawLeave = true;
                }
            }

            // Reading at last, the stalled client finds part of the messages, then the end: a 1013
            // close frame, or only the TCP close when the frame could not get past the abandoned data.
            ItSupport.StalledEnd end = ItSupport.readWhatPiledUp(stalled);
            int messagesSeen = end.messages();
            Integer closeCode = end.closeCode();
            assertThat(messagesSeen).isLessThan(posted);
            if (closeCode != null) {
                assertThat(closeCode).isEqualTo(1013);
            }
            System.out.printf("send timeout: cut after %d ms and %d messages; it had received %d, close frame %s%n",
                    cutAfter.toMillis(), posted, messagesSeen, closeCode);
        }
    }

    private static String text(int n) {
        String prefix = n + " ";
        return prefix + "x".repeat(TEXT_CHARS - prefix.length());
    }
}
