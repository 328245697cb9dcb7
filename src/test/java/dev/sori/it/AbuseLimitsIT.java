package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The abuse limits over real sockets, with the settings users get (docs/protocol.md, "Limits"):
 * the per-connection rate limit and the close of a flooder, the room-password backoff per
 * identity and per address, and the per-address connection cap. A second peer address comes
 * from binding the client socket to 127.0.0.2 (Linux routes all of 127/8 to the loopback).
 */
class AbuseLimitsIT {
    private static final String PASSWORD = "correct horse battery staple";
    private static final InetAddress OTHER_ADDRESS = address("127.0.0.2");

    private RunningServer server;
    private final LogLines log = new LogLines("dev.sori.chat");

    @AfterEach
    void stop() {
        log.close();
        if (server != null) {
            server.close();
        }
    }

    /** The log lines of the in-process server's chat domain, formatted as they are printed. */
    static final class LogLines extends java.util.logging.Handler implements AutoCloseable {
        private final java.util.logging.Logger logger;
        private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());

        LogLines(String name) {
            logger = java.util.logging.Logger.getLogger(name);
            setFormatter(new java.util.logging.SimpleFormatter());
            logger.addHandler(this);
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
            lines.add(getFormatter().formatMessage(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    // ---------------------------------------------------------------- rate limit

    @Test
    void aFlooderIsRefusedThenClosedWith1008WhileTheQuietMemberSeesItsAcceptedMessagesInOrder() throws Exception {
        server = RunningServer.start(); // 20 frames/s, bursts of 40; 1008 past 200/s, bursts of 400
        try (TestClient quiet = server.connect(); TestClient flooder = server.connect()) {
            quiet.next(ItSupport.joinWithCount(2));

            // 300 messages as fast as the socket takes them: the burst and what refills meanwhile
            // go through, the rest is refused; below ten times the limit, the connection stays.
            int flood = 300;
            for (int i = 1; i <= flood; i++) {
                flooder.send("new_message", TestClient.quote("flood " + i), "f" + i);
            }
            Map<Long, String> acceptedBySeq = new HashMap<>();
            List<String> refused = new ArrayList<>();
            for (int answered = 0; answered < flood; answered++) {
                JsonObject reply = flooder.next(f -> f.getString("id", "").startsWith("f"));
                String id = reply.getString("id");
                if (reply.getString("type").equals("ack")) {
                    acceptedBySeq.put(reply.getJsonObject("payload").getJsonNumber("seq").longValue(),
                            "flood " + id.substring(1));
                } else {
                    JsonObject error = reply.getJsonObject("payload");
                    assertThat(error.getString("code")).as("error for %s", id).isEqualTo("rate_limited");
                    assertThat(error.getString("message")).contains("20 a second");
                    refused.add(id);
                }
            }
            assertThat(acceptedBySeq.size()).as("accepted").isGreaterThanOrEqualTo(40);
            assertThat(refused).as("refused").isNotEmpty();
            assertThat(acceptedBySeq.size() + refused.size()).isEqualTo(flood);

            // Still connected: after a pause it may post again.
            Thread.sleep(2500);
            JsonObject after = flooder.ack("new_message", TestClient.quote("calm again"), "calm").asJsonObject();
            acceptedBySeq.put(after.getJsonNumber("seq").longValue(), "calm again");

            // The quiet member got exactly the accepted messages, in seq order, with no gap, and no error.
            List<Long> seqs = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            while (seqs.size() < acceptedBySeq.size()) {
                JsonObject f = quiet.next(m -> !TestClient.isLobbyEvent(m));
                assertThat(f.getString("type")).as("frame to the quiet member: %s", f).isEqualTo("message");
                seqs.add(f.getJsonObject("payload").getJsonNumber("seq").longValue());
                texts.add(f.getJsonObject("payload").getString("text"));
            }
            long first = seqs.get(0);
            for (int i = 0; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("seq #%d", i).isEqualTo(first + i);
                assertThat(texts.get(i)).isEqualTo(acceptedBySeq.get(seqs.get(i)));
            }
            assertThat(acceptedBySeq.keySet()).containsExactlyInAnyOrderElementsOf(seqs);

            // Keeping on past ten times the limit, refusals and all: closed with 1008.
            int sent = 0;
            try {
                while (flooder.isOpen() && sent < 50_000) {
                    flooder.sendRaw("{\"type\":\"ping\"}");
                    sent++;
                }
            } catch (CompletionException e) {
                // the server closed the connection under the flood
            }
            assertThat(sent).as("frames sent before the close").isGreaterThan(400);
            // The client sees the close frame, 1008, unless TCP loses it: the server closes the
            // socket with the flood's later frames unread, and the reset that follows may overtake
            // the close frame at the client. The server's own record of the close says 1008 either way.
            int code;
            try {
                code = flooder.awaitClose();
            } catch (CompletionException e) {
                code = -1; // reset
            }
            assertThat(code).as("close code seen by the flooder (-1: reset)").isIn(1008, -1);
            String sid = flooder.welcome().getString("sid");
            ItSupport.awaitValue("the server closed the flooder with 1008", true,
                    () -> log.lines().stream().anyMatch(l -> l.contains("disconnect sid=" + sid + " code=1008")));
            assertThat(log.lines()).filteredOn(l -> l.contains("flooding sid=" + sid)).hasSize(1);
            assertThat(log.lines()).filteredOn(l -> l.contains("rate limited sid=" + sid)).hasSize(1);
            assertThat(String.join("\n", log.lines())).doesNotContain("flood 1");

            // The quiet member sees the flooder leave, nothing else, and carries on.
            JsonObject leave = quiet.next(m -> !TestClient.isLobbyEvent(m));
            assertThat(leave.getString("type")).isEqualTo("system");
            assertThat(leave.getJsonObject("payload").getString("kind")).isEqualTo("leave");
            assertThat(quiet.ack("new_message", TestClient.quote("still here"), "q1").asJsonObject()
                    .getJsonNumber("seq").longValue()).isEqualTo(first + seqs.size());
        }
    }

    @Test
    void aClientWithinTheLimitIsNeverRefused() throws Exception {
        server = RunningServer.start();
        try (TestClient a = server.connect()) {
            // 100 requests of several kinds at 10 a second (half the limit), after a burst of 30.
            for (int i = 0; i < 30; i++) {
                assertThat(a.request("ping", null, "b" + i).getString("type")).isEqualTo("ack");
            }
            Thread.sleep(2000);
            for (int i = 0; i < 100; i++) {
                String type = i % 3 == 0 ? "list_rooms" : i % 3 == 1 ? "ping" : "new_message";
                String payload = type.equals("new_message") ? TestClient.quote("n" + i) : null;
                assertThat(a.request(type, payload, "s" + i).getString("type")).as("%s #%d", type, i).isEqualTo("ack");
                Thread.sleep(100);
            }
        }
    }

    // ---------------------------------------------------------------- password guessing

    @Test
    void wrongPasswordsBackOffPerIdentityAndPerAddressAndTheRightOneWorksAfterTheWait() throws Exception {
        server = RunningServer.start(); // 3 wrong per identity, 9 per address, then doubling waits from 1 s
        try (TestClient owner = server.connect(); TestClient friend = server.connect();
             TestClient a = server.connect(); TestClient b = server.connect(); TestClient c = server.connect();
             TestClient d = server.connect()) {
            String room = owner.ack("create_room", "{\"title\":\"Vault\",\"password\":" + TestClient.quote(PASSWORD) + "}",
                    "create").asJsonObject().getString("room");
            assertThat(join(friend, room, PASSWORD, "friend").getString("type")).isEqualTo("ack");

            // One identity: three wrong, then it must wait, right password or not.
            for (int i = 0; i < 3; i++) {
                assertError(join(a, room, "guess " + i, "a" + i), "forbidden", "wrong password");
            }
            assertError(join(a, room, "guess 3", "a3"), "rate_limited", "try again in 1 s");
            assertError(join(a, room, PASSWORD, "a4"), "rate_limited", "try again in 1 s");
            Thread.sleep(1500);
            assertThat(join(a, room, PASSWORD, "a5").getString("type")).as("the right password after the wait")
                    .isEqualTo("ack");

            // New identities from the same address: three wrong each is free for them, but the
            // address has had nine, and the next identity from it must wait.
            for (TestClient guesser : List.of(b, c)) {
                for (int i = 0; i < 3; i++) {
                    assertError(join(guesser, room, "guess " + i, "g" + i), "forbidden", "wrong password");
                }
            }
            assertError(join(d, room, PASSWORD, "d0"), "rate_limited", "try again in 1 s");

            // Someone from another address is not slowed by this one's guessing.
            try (RawWebSocket other = RawWebSocket.connect(server.chat(), 0, OTHER_ADDRESS)) {
                assertThat(nextJson(other).getString("type")).isEqualTo("welcome");
                other.sendText("{\"type\":\"join\",\"payload\":{\"room\":" + TestClient.quote(room) + ",\"password\":"
                        + TestClient.quote(PASSWORD) + "},\"id\":\"o1\"}");
                JsonObject reply = nextJson(other, "o1");
                assertThat(reply.getString("type")).as("join from 127.0.0.2: %s", reply).isEqualTo("ack");
            }

            // The members chat on, unaffected; and after the wait the address may try again.
            friend.ack("new_message", "{\"text\":\"anyone there?\",\"room\":" + TestClient.quote(room) + "}", "m1");
            JsonObject message = owner.next(f -> f.getString("type").equals("message"));
            assertThat(message.getJsonObject("payload").getString("text")).isEqualTo("anyone there?");
            Thread.sleep(1500);
            assertThat(join(d, room, PASSWORD, "d1").getString("type")).isEqualTo("ack");
        }
    }

    // ---------------------------------------------------------------- connections per address

    @Test
    void theDefaultCapOf64ConnectionsPerAddressClosesThe65thWith1013() throws Exception {
        server = RunningServer.start();
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < ChatSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS; i++) {
                RawWebSocket ws = RawWebSocket.connect(server.chat(), 0);
                open.add(ws);
                assertThat(nextJson(ws).getString("type")).as("connection %d", i + 1).isEqualTo("welcome");
            }
            try (RawWebSocket refused = RawWebSocket.connect(server.chat(), 0)) {
                assertRefusedWith1013(refused);
            }
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(64);
        } finally {
            open.forEach(RawWebSocket::close);
        }
    }

    @Test
    void overTheCapTheNextConnectionGets1013AndClosingOneFreesASlotOtherAddressesUnaffected() throws Exception {
        server = RunningServer.start(ChatSettings.defaults().withMaxConnectionsPerAddress(3));
        try (TestClient a = server.connect(); TestClient b = server.connect(); TestClient c = server.connect()) {
            try (RawWebSocket fourth = RawWebSocket.connect(server.chat(), 0)) {
                assertRefusedWith1013(fourth);
            }
            // The three are still served.
            assertThat(a.request("ping", null, "p").getString("type")).isEqualTo("ack");

            // Another address has its own count.
            try (RawWebSocket other = RawWebSocket.connect(server.chat(), 0, OTHER_ADDRESS)) {
                assertThat(nextJson(other).getString("type")).isEqualTo("welcome");
            }

            c.closeAndWait();
            ItSupport.awaitValue("connections", 2, () -> ItSupport.healthConnections(server.base()));
            try (TestClient again = server.connect()) {
                assertThat(again.welcome().getString("nick")).isNotBlank();
                try (RawWebSocket fourth = RawWebSocket.connect(server.chat(), 0)) {
                    assertRefusedWith1013(fourth);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the options of server.jar

    @Test
    void theServerJarTakesTheLimitsAsOptions() throws Exception {
        try (ServerProcess jar = ServerProcess.start("--rate-limit", "2", "--rate-burst", "3",
                "--max-connections-per-address", "2", "--password-attempts", "1");
             TestClient owner = TestClient.connect(jar.chat()); TestClient guesser = TestClient.connect(jar.chat())) {
            try (RawWebSocket third = RawWebSocket.connect(jar.chat(), 0)) {
                assertRefusedWith1013(third);
            }
            String room = owner.ack("create_room", "{\"title\":\"Vault\",\"password\":" + TestClient.quote(PASSWORD) + "}",
                    "create").asJsonObject().getString("room");
            assertError(join(guesser, room, "nope", "g1"), "forbidden", "wrong password");
            assertError(join(guesser, room, PASSWORD, "g2"), "rate_limited", "try again in 1 s");

            // Burst 3, the create_room above was one: of 5 more at once, 2 go through.
            for (int i = 0; i < 5; i++) {
                owner.send("ping", null, "p" + i);
            }
            int refused = 0;
            for (int i = 0; i < 5; i++) {
                String id = "p" + i;
                JsonObject reply = owner.next(f -> id.equals(f.getString("id", null)));
                refused += reply.getString("type").equals("error") ? 1 : 0;
            }
            assertThat(refused).isBetween(1, 3);
            assertThat(jar.awaitOutput(Duration.ofSeconds(10), "connection refused address=127.0.0.1", "rate limited sid="))
                    .doesNotContain(PASSWORD);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static JsonObject join(TestClient client, String room, String password, String id) {
        return client.request("join", "{\"room\":" + TestClient.quote(room) + ",\"password\":" + TestClient.quote(password) + "}", id);
    }

    private static void assertError(JsonObject reply, String code, String messagePart) {
        assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("error");
        assertThat(reply.getJsonObject("payload").getString("code")).as("reply %s", reply).isEqualTo(code);
        assertThat(reply.getJsonObject("payload").getString("message")).contains(messagePart);
        assertThat(reply.toString()).doesNotContain(PASSWORD);
    }

    /** The server's first frame is a close with 1013 and a reason: no welcome, no identity. */
    private static void assertRefusedWith1013(RawWebSocket ws) throws IOException {
        RawWebSocket.Frame first = ws.readFrame();
        assertThat(first.opcode()).as("first frame %s", first).isEqualTo(RawWebSocket.OP_CLOSE);
        assertThat(first.closeCode()).isEqualTo(1013);
        String reason = new String(Arrays.copyOfRange(first.payload(), 2, first.payload().length), StandardCharsets.UTF_8);
        assertThat(reason).isEqualTo("too many connections from your address");
    }

    private static JsonObject nextJson(RawWebSocket ws) throws IOException {
        return ItSupport.parse(ws.readUntil(RawWebSocket.OP_TEXT).text());
    }

    private static JsonObject nextJson(RawWebSocket ws, String id) throws IOException {
        while (true) {
            JsonObject f = nextJson(ws);
            if (id.equals(f.getString("id", null))) {
                return f;
            }
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
