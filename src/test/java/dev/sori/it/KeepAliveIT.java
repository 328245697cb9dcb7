package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Grizzly's HTTP keep-alive idle timeout (30 s by default) must not close upgraded WebSocket
 * connections (tyrus#465). The server's own pings are set further apart than the wait, so that
 * no ping traffic can hide the bug: for 35 s nothing at all crosses the connections.
 * Slow by nature (35 s); time itself is what is tested, so this test does wait.
 */
class KeepAliveIT {
    private static final Duration GRIZZLY_KEEP_ALIVE = Duration.ofSeconds(30);
    private static final Duration SILENCE = GRIZZLY_KEEP_ALIVE.plusSeconds(5);

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(new ChatSettings(2000, 1000, 1 << 20,
                Duration.ofSeconds(120), Duration.ofSeconds(240), 1000));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSilentConnectionOutlivesTheHttpKeepAlivePeriod() {
        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            a.next(ItSupport.joinWithCount(2));
            b.next(ItSupport.joinWithCount(2));

            a.expectSilence(SILENCE); // the wait: nothing is sent or received for 35 s
            b.expectSilence(Duration.ofMillis(1));
            assertThat(a.isOpen()).as("a after %s of silence", SILENCE).isTrue();
            assertThat(b.isOpen()).as("b after %s of silence", SILENCE).isTrue();
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(2);

            // Both directions still work.
            assertThat(a.ack("new_message", TestClient.quote("still there?"), "k1").asJsonObject()
                    .getString("room")).isEqualTo("general");
            JsonObject atB = b.next("message").getJsonObject("payload");
            assertThat(atB.getString("text")).isEqualTo("still there?");
            b.send("new_message", TestClient.quote("yes"), null);
            assertThat(a.next("message").getJsonObject("payload").getString("text")).isEqualTo("yes");
        }
    }
}
