package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.ChatStorage;
import dev.sori.testing.FaultyMessageLog;
import dev.sori.testing.LogCapture;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end over real sockets: the server's message log has a bug for one input. The client
 * that sends it gets an {@code internal} error and a 1011 close; the server logs it once, with
 * no message text; the others in the room see that client leave and chat on.
 */
class FaultIsolationIT {
    private LogCapture log;
    private RunningServer server;

    @BeforeEach
    void start() {
        log = LogCapture.of("");
        server = RunningServer.start(ChatSettings.defaults(),
                FaultyMessageLog.in(ChatStorage.inMemory(1000, System::currentTimeMillis)));
    }

    @AfterEach
    void stop() {
        server.close();
        log.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {FaultyMessageLog.THROW, FaultyMessageLog.FAIL})
    void aBugWhileHandlingOneSessionClosesItAloneWith1011(String trigger) {
        try (TestClient victim = server.connect(); TestClient alice = server.connect(); TestClient bob = server.connect()) {
            alice.next(ItSupport.joinWithCount(3));
            bob.next(ItSupport.joinWithCount(3));
            String secret = "zebra-quartz-" + trigger;

            JsonObject reply = victim.request("new_message", "{\"text\":" + TestClient.quote(secret) + "}", "boom");
            assertThat(reply.getString("type")).isEqualTo("error");
            assertThat(reply.getJsonObject("payload").getString("code")).isEqualTo("internal");
            assertThat(victim.awaitClose()).isEqualTo(1011);

            // the others see the victim leave, and nothing of its message
            JsonObject leave = alice.next(f -> "system".equals(f.getString("type"))
                    && "leave".equals(f.getJsonObject("payload").getString("kind")));
            assertThat(leave.getJsonObject("payload").getInt("count")).isEqualTo(2);
            alice.ack("new_message", "{\"text\":\"carry on\"}", "a1");
            JsonObject seen = bob.next(f -> "message".equals(f.getString("type")));
            assertThat(seen.getJsonObject("payload").getString("text")).isEqualTo("carry on");
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(2);
        }

        List<LogRecord> errors = log.records().stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(errors).as("error records").hasSize(1);
        assertThat(errors.get(0).getMessage()).contains("closing with 1011").doesNotContain("zebra");
        for (LogRecord r : log.records()) {
            assertThat(String.valueOf(r.getMessage()) + " " + java.util.Arrays.toString(r.getParameters()))
                    .doesNotContain("zebra");
            if (r.getThrown() != null) {
                StringWriter stack = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(stack));
                assertThat(stack.toString()).doesNotContain("zebra");
            }
        }
    }
}
