package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.server.EdgeSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reader whose socket is full still gets every frame whole and in order once it reads again:
 * the room's messages, which the server writes to the socket itself, and the container's own
 * frames (the pongs to its pings), which take the container's write queue. The socket takes only
 * part of each write while the reader is not reading, so the rest of a message waits in that queue
 * while the pongs queue up behind it; bytes of one frame inside another would break the framing
 * this test parses.
 */
class FullSocketIT {
    private static final int TEXT_CHARS = 20_000;
    /** 1.2 MB: hundreds of times what the 8 KiB send buffer and 4 KiB receive buffer hold. */
    private static final int MESSAGES = 60;
    private static final int PING_EVERY = 3;

    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void messagesAndPongsArriveWholeAndInOrderThroughASocketThatWasFull() throws Exception {
        server = RunningServer.start(new ChatSettings(TEXT_CHARS + 100, 10_000, 64L << 20,
                        Duration.ofSeconds(120), Duration.ofSeconds(240), 1000).withRateLimit(0, 0),
                EdgeSettings.defaults().withSocketSendBuffer(8192));
        try (TestClient sender = server.connect(); RawWebSocket reader = RawWebSocket.connect(server.chat(), 4096)) {
            sender.next(ItSupport.joinWithCount(2));
            awaitText(reader, "\"count\":2");

            List<String> pings = new ArrayList<>();
            for (int i = 1; i <= MESSAGES; i++) {
                sender.send("new_message", "{\"text\":" + TestClient.quote(text(i)) + "}", "m" + i);
                if (i % PING_EVERY == 0) {
                    String ping = "ping " + i;
                    reader.sendFrame(RawWebSocket.OP_PING, ping.getBytes(StandardCharsets.UTF_8));
                    pings.add(ping);
                }
            }
            for (int acks = 0; acks < MESSAGES; ) {
                if ("ack".equals(sender.next().getString("type"))) {
                    acks++;
                }
            }

            List<Long> seqs = new ArrayList<>();
            List<String> pongs = new ArrayList<>();
            while (seqs.size() < MESSAGES || pongs.size() < pings.size()) {
                RawWebSocket.Frame frame = reader.readFrame();
                assertThat(frame.fin()).as("a whole frame").isTrue();
                switch (frame.opcode()) {
                    case RawWebSocket.OP_PONG -> pongs.add(new String(frame.payload(), StandardCharsets.UTF_8));
                    case RawWebSocket.OP_TEXT -> {
                        JsonObject json = Json.createReader(new StringReader(frame.text())).readObject();
                        if ("message".equals(json.getString("type"))) {
                            JsonObject message = json.getJsonObject("payload");
                            seqs.add(message.getJsonNumber("seq").longValue());
                            assertThat(message.getString("text")).isEqualTo(text(seqs.size()));
                        }
                    }
                    default -> throw new AssertionError("unexpected frame " + frame);
                }
            }
            assertThat(seqs).containsExactlyElementsOf(IntStream.rangeClosed(1, MESSAGES).mapToObj(i -> (long) i).toList());
            assertThat(pongs).containsExactlyElementsOf(pings);

            // And the connection carries on as usual.
            sender.send("new_message", "{\"text\":\"after\"}", "after");
            awaitText(reader, "\"text\":\"after\"");
        }
    }

    /**
     * A peer that drops its socket while frames are on their way (closing with unread data resets
     * the connection, so the server's next write fails) is gone for the server too: the failed
     * write closes the connection instead of leaving it half-closed behind a write that never ends.
     */
    @Test
    void aPeerThatResetsRightAfterTheHandshakeIsDisconnected() throws Exception {
        server = RunningServer.startWithoutRateLimit();
        try (TestClient sender = server.connect()) {
            for (int i = 0; i < 20; i++) {
                RawWebSocket.connect(server.chat(), 0).close(); // welcome and the join unread
                sender.send("new_message", "{\"text\":\"hello " + i + "\"}", "m" + i);
            }
            ItSupport.awaitValue("connections in /healthz", 1, () -> ItSupport.healthConnections(server.base()));
        }
    }

    private static void awaitText(RawWebSocket reader, String part) throws Exception {
        while (true) {
            RawWebSocket.Frame frame = reader.readFrame();
            if (frame.opcode() == RawWebSocket.OP_TEXT && frame.text().contains(part)) {
                return;
            }
        }
    }

    private static String text(int n) {
        String prefix = n + " ";
        return prefix + "x".repeat(TEXT_CHARS - prefix.length());
    }
}
