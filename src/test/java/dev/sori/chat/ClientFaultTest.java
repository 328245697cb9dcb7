package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.protocol.ClientFrameDecoder;
import dev.sori.testing.FaultyMessageLog;
import dev.sori.testing.LogCapture;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.List;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bug met while handling one request (here: the message log throws for one input, at once or
 * in its stage) closes that connection alone with 1011, after an {@code internal} error for the
 * request; it is logged once, with the stack but without the message text; everyone else goes
 * on as if nothing had happened.
 */
class ClientFaultTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final Hub hub = new Hub(ChatSettings.defaults(), "test",
            FaultyMessageLog.in(ChatStorage.inMemory(Hub.MEMORY_HISTORY, now::get)), now::get);
    private LogCapture log;

    @BeforeEach
    void captureLog() {
        log = LogCapture.of(LoggedChatEvents.LOGGER);
    }

    /** What was logged besides connects and disconnects. */
    private List<LogRecord> lines() {
        return log.records().stream().filter(r -> !r.getMessage().startsWith("connect ")
                && !r.getMessage().startsWith("disconnect ")).toList();
    }

    @AfterEach
    void close() {
        log.close();
        hub.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {FaultyMessageLog.THROW, FaultyMessageLog.FAIL})
    void aBugInOneRequestClosesThatConnectionAloneWith1011(String trigger) {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        Client alice = hub.connect(a, null);
        Client bob = hub.connect(b, null);
        a.sent.clear();
        b.sent.clear();
        String secret = "the secret text " + trigger;

        alice.handle(new ClientFrameDecoder().decode(
                "{\"type\":\"new_message\",\"id\":\"boom\",\"payload\":{\"text\":\"" + secret + "\"}}"));

        JsonObject error = parse(a.sent.get(a.sent.size() - 1));
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("id")).isEqualTo("boom");
        assertThat(error.getJsonObject("payload").getString("code")).isEqualTo("internal");
        assertThat(a.closeCode).isEqualTo(CloseCodes.INTERNAL_ERROR);
        assertThat(b.sent).as("bob notices nothing").isEmpty();
        assertThat(b.closeCode).isZero();

        // one line (and the stack), naming the connection, never the text
        assertThat(lines()).hasSize(1);
        LogRecord record = lines().get(0);
        assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
        assertThat(record.getMessage()).contains(alice.sid()).contains("new_message").contains("1011")
                .doesNotContain("secret").doesNotContain("\n");
        StringWriter stack = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(stack));
        assertThat(stack.toString()).contains("java.lang.IllegalStateException").contains("FaultyMessageLog")
                .doesNotContain("secret");

        // bob still chats
        bob.handle(new ClientFrameDecoder().decode("{\"type\":\"new_message\",\"id\":\"ok\",\"payload\":\"fine\"}"));
        assertThat(b.sent.stream().map(ClientFaultTest::parse).map(f -> f.getString("type")).toList())
                .containsExactly("message", "ack");
    }

    /** While a token is looked up, frames wait; more than 64 of them close the connection (1008). */
    @org.junit.jupiter.api.Test
    void moreThan64FramesBeforeWelcomeClose1008() {
        java.util.concurrent.CompletableFuture<java.util.Optional<IdentityCatalog.Saved>> lookup =
                new java.util.concurrent.CompletableFuture<>();
        IdentityCatalog slow = new IdentityCatalog() {
            @Override
            public java.util.concurrent.CompletionStage<java.util.Optional<Saved>> findByToken(String token) {
                return lookup;
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> create(String id, String token, String nick, String color) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> rename(String id, String nick) {
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }

            @Override
            public void seen(String id) {
            }

            @Override
            public void forgetUnseenSince(long epochMillis) {
            }
        };
        ChatStorage memory = ChatStorage.inMemory(Hub.MEMORY_HISTORY, now::get);
        try (Hub waiting = new Hub(ChatSettings.defaults(), "test",
                new ChatStorage(memory.messages(), memory.rooms(), slow), now::get)) {
            FakeConnection c = new FakeConnection();
            Client client = waiting.connect(c, "a-token-being-looked-up");
            for (int i = 0; i < 64; i++) {
                client.handle(new ClientFrameDecoder().decode("{\"type\":\"ping\"}"));
            }
            assertThat(c.closeCode).isZero();
            client.handle(new ClientFrameDecoder().decode("{\"type\":\"ping\"}"));
            assertThat(c.closeCode).isEqualTo(CloseCodes.POLICY_VIOLATION);
            assertThat(lines()).singleElement().satisfies(r -> assertThat(r.getMessage()).contains("1008"));
        }
    }

    @org.junit.jupiter.api.Test
    void redactionKeepsClassesAndStacksButNoMessages() {
        Exception cause = new NumberFormatException("For input string: \"hunter2\"");
        RuntimeException failure = new IllegalStateException("password hunter2 rejected", cause);
        StringWriter out = new StringWriter();
        RedactedFailure.of(failure).printStackTrace(new PrintWriter(out));
        assertThat(out.toString())
                .startsWith("java.lang.IllegalStateException")
                .contains("Caused by: java.lang.NumberFormatException")
                .contains("ClientFaultTest.redactionKeepsClassesAndStacksButNoMessages")
                .doesNotContain("hunter2");
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }
}
