package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What the real jar writes to its log while a session does everything secret it can: a unique
 * nickname, message text, a room password (right and wrong), the identity token (resumed in the
 * URL), the same text in frames the server refuses (bad JSON, an oversized frame, a close
 * reason, invalid UTF-8). The whole log, shutdown included, must contain none of those, and
 * every event must be one line (a stack trace, where there is one, follows its line).
 */
class LogAuditIT {
    /** A log line as {@code server.Logging} formats it: date, time, level, source, message. */
    private static final Pattern EVENT = Pattern.compile(
            "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} (SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) +\\S+: .*");
    /** The lines of a stack trace under an event. */
    private static final Pattern STACK = Pattern.compile("^(\\tat |\\t\\.\\.\\. \\d+ more|Caused by: |\\s+Suppressed: |[a-zA-Z_$][\\w$.]*(Exception|Error|Failure)?$|[a-zA-Z_$][\\w$.]*: ).*");

    @Test
    void theLogHoldsNoMessageTextPasswordOrTokenAndOneLinePerEvent() throws Exception {
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String nick = "nick" + unique.substring(0, 8);
        String text = "text-" + unique;
        String password = "pw-" + unique;
        String wrongPassword = "wrong-" + unique;
        String title = "title-" + unique;
        List<String> secrets = List.of(nick, text, password, wrongPassword, title, unique);
        String token;

        try (ServerProcess server = ServerProcess.start()) {
            try (TestClient ada = TestClient.connect(server.chat()); TestClient bob = TestClient.connect(server.chat())) {
                token = ada.token();
                ada.ack("nickname", TestClient.quote(nick), "n");
                ada.ack("new_message", "{\"text\":" + TestClient.quote(text) + "}", "m1");
                JsonObject room = ada.ack("create_room", "{\"title\":" + TestClient.quote(title) + ",\"password\":"
                        + TestClient.quote(password) + "}", "c").asJsonObject();
                String roomId = room.getString("room");
                JsonObject refused = bob.request("join", "{\"room\":" + TestClient.quote(roomId) + ",\"password\":"
                        + TestClient.quote(wrongPassword) + "}", "j1");
                assertThat(refused.getJsonObject("payload").getString("code")).isEqualTo("forbidden");
                bob.ack("join", "{\"room\":" + TestClient.quote(roomId) + ",\"password\":" + TestClient.quote(password)
                        + "}", "j2");
                ada.ack("new_message", "{\"room\":" + TestClient.quote(roomId) + ",\"text\":" + TestClient.quote(text)
                        + "}", "m2");
                // refused requests that carry the secrets
                bob.request("new_message", "{\"text\":" + TestClient.quote(text + "x".repeat(3000)) + "}", "long");
                bob.sendRaw("{\"type\":\"new_message\",\"payload\":{\"text\":\"" + text + "\"");
                bob.request("new_message", "{\"room\":" + TestClient.quote(text) + ",\"text\":\"x\"}", "not-in");
                bob.request(text, null, "unknown");
                bob.request("nickname", TestClient.quote("\u202E" + nick), "bidi");
            }
            // the token again, in the URL of a resumed session
            try (TestClient again = TestClient.connect(server.chat(), token)) {
                assertThat(again.nick()).isEqualTo(nick);
            }
            // frames the transport refuses, carrying the text
            try (RawWebSocket raw = RawWebSocket.connect(server.chat(), 0)) {
                raw.readFrame();
                raw.sendFragment(RawWebSocket.OP_TEXT, true, (text + "y".repeat(70_000)).getBytes(StandardCharsets.UTF_8));
                assertThat(raw.awaitEnd(Duration.ofSeconds(20)).closeCode()).isEqualTo(1009);
            }
            try (RawWebSocket raw = RawWebSocket.connect(server.chat(), 0)) {
                raw.readFrame();
                byte[] bad = (text + "\"").getBytes(StandardCharsets.UTF_8);
                byte[] payload = Arrays.copyOf(bad, bad.length + 1);
                payload[bad.length] = (byte) 0xFF;
                raw.sendFragment(RawWebSocket.OP_TEXT, true, payload);
                assertThat(raw.awaitEnd(Duration.ofSeconds(20)).closeCode()).isEqualTo(1007);
            }
            try (RawWebSocket raw = RawWebSocket.connect(server.chat(), 0)) {
                raw.readFrame();
                raw.sendFragment(RawWebSocket.OP_CLOSE, true,
                        RawWebSocket.closePayload(4000, ("bye " + password).getBytes(StandardCharsets.UTF_8)));
                assertThat(raw.awaitEnd(Duration.ofSeconds(20)).closeCode()).isEqualTo(4000);
            }
            try (RawWebSocket raw = RawWebSocket.connect(server.chat(), 0)) {
                raw.readFrame();
                byte[] big = (text + "z".repeat(200 * 1024)).getBytes(StandardCharsets.UTF_8);
                try {
                    raw.sendFragment(RawWebSocket.OP_TEXT, true, big);
                } catch (IOException e) {
                    // closed before everything was written
                }
                // refused from its header by the frame-header guard, like any frame over 64 KiB
                assertThat(raw.awaitEnd(Duration.ofSeconds(20)).closeCode()).isEqualTo(1009);
            }
            server.terminate(Duration.ofSeconds(30));
            String log = server.output();
            System.out.println("---- server log ----\n" + log + "\n---- end ----");

            for (String secret : secrets) {
                assertThat(log).as("the log must not contain %s", secret).doesNotContain(secret);
            }
            assertThat(log).as("the log must not contain the token").doesNotContain(token);

            List<String> lines = log.lines().toList();
            List<String> strays = lines.stream()
                    .filter(l -> !EVENT.matcher(l).matches() && !STACK.matcher(l).matches())
                    .filter(l -> !l.isEmpty()) // the formatter ends a stack trace with an empty line
                    .filter(l -> !l.startsWith("Sori ")) // the start-up banner on standard output
                    .toList();
            assertThat(strays).as("lines that are neither an event nor a stack trace").isEmpty();
            // one line per connect and per disconnect: three chat clients, four raw ones
            assertThat(count(lines, " connect sid=")).isEqualTo(7);
            assertThat(count(lines, " disconnect sid=")).isEqualTo(7);
            // the oversized frame: one line, and no error of ours (Tyrus reports it after closing it)
            assertThat(lines.stream().filter(l -> l.contains(" SEVERE ")).toList()).isEmpty();
            // TestClient.close() sends its close frame and drops the socket at once, so the three chat
            // clients' disconnects read 1000, or 1006 / 1001 (as Tyrus reports a dropped peer) when
            // the drop overtook the frame.
            assertThat(lines.stream().filter(l -> l.contains(" disconnect sid=")).map(l -> l.replaceAll(".* code=(\\d+).*", "$1"))
                    .map(code -> code.equals("1006") || code.equals("1001") ? "1000" : code)
                    .sorted().toList()).containsExactly("1000", "1000", "1000", "1007", "1009", "1009", "4000");
        }
    }

    private static long count(List<String> lines, String what) {
        return lines.stream().filter(l -> l.contains(what)).count();
    }
}
