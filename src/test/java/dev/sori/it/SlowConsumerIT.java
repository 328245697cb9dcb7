package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A client that stops reading is cut loose (protocol, Limits: "closed with 1013; it never slows
 * the room for anyone else"), while the others keep receiving everything, promptly.
 *
 * <p>The stalled reader is a hand-written WebSocket over a socket with a tiny receive buffer that
 * never reads after the handshake, so its TCP window closes at once. (The JDK client is no good
 * here: it keeps reading from the socket into its own buffers whatever the application asks.)
 * Before anything is left pending in the server, the kernel's buffers absorb a few MiB (the
 * server's send buffer grows up to {@code net.ipv4.tcp_wmem}'s maximum, 4 MiB by default), so
 * the test posts large messages until the server lets go of the stalled client, up to a cap.
 */
class SlowConsumerIT {
    private static final int TEXT_CHARS = 30_000;
    private static final int BATCH = 20;
    /** 2,000 × 30 KB = 60 MB, far beyond any kernel buffer: if the client is still there, it was never cut. */
    private static final int MAX_MESSAGES_BEFORE_CUT = 2000;
    /** Posted after the cut, to show the room carries on. */
    private static final int MESSAGES_AFTER_CUT = 100;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Each cap on its own: the frame count (the other cap out of reach), then the bytes. */
    @ParameterizedTest(name = "maxPendingFrames={0}, maxPendingBytes={1}")
    @CsvSource({"50, 268435456", "1000000, 262144"})
    void aReaderThatStopsIsCutLooseWhileTheOthersReceiveEverything(int maxPendingFrames, long maxPendingBytes)
            throws Exception {
        server = RunningServer.start(new ChatSettings(TEXT_CHARS + 100, maxPendingFrames, maxPendingBytes,
                Duration.ofSeconds(120), Duration.ofSeconds(240), 1000)
                .withRateLimit(0, 0)); // the sender posts as fast as it can
        try (TestClient sender = server.connect(); TestClient receiver = server.connect();
             RawWebSocket stalled = RawWebSocket.connect(server.chat(), 4096)) {
            // Everyone is in the room once the others have seen the third join.
            sender.next(ItSupport.joinWithCount(3));
            receiver.next(ItSupport.joinWithCount(3));
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(3);

            long started = System.nanoTime();
            int posted = 0;
            while (ItSupport.healthConnections(server.base()) == 3) {
                assertThat(posted)
                        .as("messages posted without the stalled client being cut loose")
                        .isLessThan(MAX_MESSAGES_BEFORE_CUT);
                for (int i = 0; i < BATCH; i++) {
                    posted++;
                    post(sender, posted);
                }
            }
            int postedBeforeCut = posted;
            for (int i = 0; i < MESSAGES_AFTER_CUT; i++) {
                posted++;
                post(sender, posted);
            }

            // The receiver gets every message, in order, with no gap, and sees the stalled client leave.
            List<Long> seqs = new ArrayList<>();
            boolean sawLeave = false;
            while (seqs.size() < posted) {
                JsonObject f = next(receiver);
                if ("message".equals(f.getString("type"))) {
                    JsonObject m = f.getJsonObject("payload");
                    seqs.add(m.getJsonNumber("seq").longValue());
                    assertThat(m.getString("text")).isEqualTo(text(seqs.size()));
                } else if (isSystem(f, "leave")) {
                    assertThat(f.getJsonObject("payload").getInt("count")).isEqualTo(2);
                    sawLeave = true;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            for (int i = 0; i < posted; i++) {
                assertThat(seqs.get(i)).as("seq of message %d", i + 1).isEqualTo(i + 1L);
            }
            if (!sawLeave) {
                receiver.next(f -> isSystem(f, "leave") && f.getJsonObject("payload").getInt("count") == 2);
            }
            // "Promptly": nothing the room does waits for the stalled peer.
            assertThat(took).as("time for %d messages of %d chars", posted, TEXT_CHARS)
                    .isLessThan(Duration.ofSeconds(20));

            // The sender gets an ack for every message, in order.
            int acks = 0;
            while (acks < posted) {
                JsonObject f = next(sender);
                if ("ack".equals(f.getString("type"))) {
                    acks++;
                    assertThat(f.getString("id")).isEqualTo("m" + acks);
                }
            }

            // Once the stalled client reads again, it finds fewer messages than were posted before
            // its cut, and then the end of the connection: a 1013 close frame, or just the TCP
            // close when the close frame could not get past the data the server gave up on.
            ItSupport.StalledEnd end = ItSupport.readWhatPiledUp(stalled);
            int messagesSeen = end.messages();
            Integer closeCode = end.closeCode();
            assertThat(messagesSeen).isLessThan(postedBeforeCut);
            if (closeCode != null) {
                assertThat(closeCode).isEqualTo(1013);
            }
            System.out.printf("slow consumer: cut after %d messages, it had received %d, close frame %s; "
                    + "%d messages to the others in %d ms%n", postedBeforeCut, messagesSeen, closeCode, posted,
                    took.toMillis());
        }
    }

    /**
     * Posts message {@code n} with {@code echo:false}: the sender gets its acks only. With its own
     * 30 KB copies coming back as fast as it posts, a busy machine could let them pile past the
     * 50-frame cap and cut the sender loose as well (seen once), which is not what this tests.
     */
    private static void post(TestClient sender, int n) {
        sender.send("new_message", "{\"text\":" + TestClient.quote(text(n)) + ",\"echo\":false}", "m" + n);
    }

    private static String text(int n) {
        String prefix = n + " ";
        return prefix + "x".repeat(TEXT_CHARS - prefix.length());
    }

    private static boolean isSystem(JsonObject frame, String kind) {
        return "system".equals(frame.getString("type")) && kind.equals(frame.getJsonObject("payload").getString("kind"));
    }
}
