package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --warm-up}: before it listens, the jar runs handshakes and messages through a throwaway
 * twin. What users must see: the twin's work counted in one line, and nothing of it in the real
 * chat (no message in {@code general}, no connection counted, no twin's log line, no files left).
 */
class WarmUpIT {
    private static final Pattern WARMED = Pattern.compile("warmed up in (\\d+) ms: (\\d+) handshakes \\((\\d+) resumed\\), (\\d+) messages");

    @Test
    void theWarmUpChatsOnATwinAndLeavesTheRealChatUntouched(@TempDir Path tmp) throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(),
                "--warm-up", "4")) {
            String output = server.awaitOutput(Duration.ofSeconds(5), "warmed up in", "listening:");
            Matcher warmed = WARMED.matcher(output);
            assertThat(warmed.find()).as(output).isTrue();
            assertThat(output.indexOf("warmed up in")).as("warmed up before listening").isLessThan(output.indexOf("listening:"));
            assertThat(Long.parseLong(warmed.group(1))).as("warm-up took, ms").isBetween(4_000L, 30_000L);
            assertThat(Long.parseLong(warmed.group(2))).as("handshakes").isPositive();
            assertThat(Long.parseLong(warmed.group(3))).as("resumed identities").isPositive();
            assertThat(Long.parseLong(warmed.group(4))).as("messages").isPositive();
            // The twin's start and shutdown lines (its own database, its listener) were not printed.
            assertThat(output).doesNotContain("sori-warm-up-").doesNotContain("WARNING");
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.filter(p -> p.getFileName().toString().startsWith("sori-warm-up-")))
                        .as("the twin's temporary database").isEmpty();
            }

            assertThat(ItSupport.healthConnections(server.page())).as("connections on the real server").isZero();
            try (TestClient client = TestClient.connect(server.chat())) {
                JsonObject history = client.ack("history", "{\"room\":\"general\"}", "h").asJsonObject();
                assertThat(history.getJsonArray("messages")).as("general's history after the warm-up").isEmpty();
                JsonObject ack = client.ack("new_message", "\"first\"", "m").asJsonObject();
                assertThat(ack.getInt("seq")).as("the real chat's first message").isEqualTo(1);
            }
        }
    }

    @Test
    void theStrictestLimitsDoNotCutTheWarmUpShort() throws Exception {
        // One connection per address, one frame a second, one-character messages: the real chat's
        // limits, which the twin's four loopback clients would otherwise trip over.
        try (ServerProcess server = ServerProcess.start("--warm-up", "2", "--max-connections-per-address", "1",
                "--rate-limit", "1", "--rate-burst", "1", "--max-message-chars", "1")) {
            String output = server.awaitOutput(Duration.ofSeconds(5), "warmed up in");
            Matcher warmed = WARMED.matcher(output);
            assertThat(warmed.find()).as(output).isTrue();
            assertThat(Long.parseLong(warmed.group(2))).as("handshakes").isGreaterThan(4);
            assertThat(Long.parseLong(warmed.group(4))).as("messages").isPositive();
            assertThat(output).doesNotContain("WARNING");
        }
    }

    @Test
    void noWarmUpListensAtOnceAndSaysNothingOfIt() throws Exception {
        try (ServerProcess server = ServerProcess.start("--warm-up", "0")) {
            assertThat(server.output()).doesNotContain("warmed up");
            try (TestClient client = TestClient.connect(server.chat())) {
                assertThat(client.welcome().getString("room")).isEqualTo("general");
            }
        }
    }

    @Test
    void aWarmUpOutOfRangeIsRefusedWithUsage() throws Exception {
        ServerProcess.Exited refused = ServerProcess.runToExit(Map.of(), "--warm-up", "601");
        assertThat(refused.code()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("--warm-up").contains("Usage");
    }
}
