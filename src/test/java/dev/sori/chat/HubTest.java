package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.protocol.ClientFrame;
import dev.sori.protocol.ClientFrameDecoder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat domain with in-memory connections: no WebSocket, no network. */
class HubTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private Hub hub = new Hub(ChatSettings.defaults(), "test", now::get);

    @AfterEach
    void closeHub() {
        hub.close();
    }

    @Test
    void welcomeComesFirstThenTheJoinInGeneral() {
        FakeConnection connection = new FakeConnection();
        Client client = hub.connect(connection, null);

        List<JsonObject> frames = frames(connection);
        assertThat(frames).hasSize(2);
        JsonObject welcome = frames.get(0);
        assertThat(welcome.getString("type")).isEqualTo("welcome");
        JsonObject w = welcome.getJsonObject("payload");
        assertThat(w.getString("sid")).isEqualTo(client.sid());
        assertThat(w.getString("nick")).matches("Anon-\\d{4}");
        assertThat(w.getString("color")).matches("#[0-9a-f]{6}");
        assertThat(w.getString("room")).isEqualTo("general");
        assertThat(w.getJsonObject("limits").getInt("maxMessageChars")).isEqualTo(2000);
        assertThat(w.getJsonObject("limits").getInt("maxNickChars")).isEqualTo(32);

        JsonObject join = frames.get(1).getJsonObject("payload");
        assertThat(frames.get(1).getString("type")).isEqualTo("system");
        assertThat(join.getString("kind")).isEqualTo("join");
        assertThat(join.getInt("count")).isEqualTo(1);
        assertThat(join.getJsonNumber("ts").longValue()).isEqualTo(now.get());
    }

    @Test
    void messagesGetConsecutiveSeqsAndReachEveryoneEncodedOnce() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        Client alice = hub.connect(a, null);
        hub.connect(b, null);
        a.sent.clear();
        b.sent.clear();

        alice.handle(request("{\"type\":\"new_message\",\"payload\":\"one\",\"id\":\"1\"}"));
        alice.handle(request("{\"type\":\"new_message\",\"payload\":{\"text\":\"two\"}}"));

        assertThat(b.sent).hasSize(2);
        assertThat(payload(b.sent.get(0)).getInt("seq")).isEqualTo(1);
        assertThat(payload(b.sent.get(1)).getInt("seq")).isEqualTo(2);
        // the very same String instance went to both members: encoded once
        assertThat(a.sent.get(0)).isSameAs(b.sent.get(0));
        // the sender gets its own message, then the ack; no ack without an id
        assertThat(types(a)).containsExactly("message", "ack", "message");
    }

    @Test
    void renameIsAnnouncedWithTheOldNickAndKeepsTheColour() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        Client alice = hub.connect(a, null);
        hub.connect(b, null);
        String oldNick = alice.identity().nick();
        String color = alice.identity().color();
        b.sent.clear();

        alice.handle(request("{\"type\":\"nickname\",\"payload\":\"  alice \",\"id\":\"n\"}"));

        JsonObject nick = payload(b.sent.get(0));
        assertThat(nick.getString("kind")).isEqualTo("nick");
        assertThat(nick.getString("nick")).isEqualTo("alice");
        assertThat(nick.getString("old")).isEqualTo(oldNick);
        JsonObject ack = parse(a.sent.get(a.sent.size() - 1));
        assertThat(ack.getJsonObject("payload").getString("color")).isEqualTo(color);
    }

    @Test
    void leavingIsAnnouncedWithTheCountAfter() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        Client alice = hub.connect(a, null);
        hub.connect(b, null);
        b.sent.clear();

        hub.disconnect(alice, 1000);

        JsonObject leave = payload(b.sent.get(0));
        assertThat(leave.getString("kind")).isEqualTo("leave");
        assertThat(leave.getInt("count")).isEqualTo(1);
        assertThat(hub.connectionCount()).isEqualTo(1);
        hub.disconnect(alice, 1000); // twice is harmless
        assertThat(b.sent).hasSize(1);
    }

    @Test
    void tokenResumesTheIdentity() {
        FakeConnection a = new FakeConnection();
        Client first = hub.connect(a, null);
        first.handle(request("{\"type\":\"nickname\",\"payload\":\"nico\"}"));
        hub.disconnect(first, 1000);

        Client again = hub.connect(new FakeConnection(), first.identity().token());
        assertThat(again.identity()).isSameAs(first.identity());
        assertThat(again.identity().nick()).isEqualTo("nico");

        Client stranger = hub.connect(new FakeConnection(), "not-a-token");
        assertThat(stranger.identity().token()).isNotEqualTo("not-a-token");
    }

    @Test
    void errorsGoToTheSenderAlone() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        Client alice = hub.connect(a, null);
        hub.connect(b, null);
        hub.lobby().publishCounts(); // the join's lobby update goes out now, not during the test
        a.sent.clear();
        b.sent.clear();

        alice.handle(new ClientFrameDecoder().decode("not json"));
        alice.handle(request("{\"type\":\"nope\",\"id\":\"x\"}"));
        alice.handle(request("{\"type\":\"new_message\",\"payload\":\"\",\"id\":\"e\"}"));
        alice.handle(request("{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"room\":\"elsewhere\"}}"));
        alice.rejectBinary();

        assertThat(frames(a)).filteredOn(f -> !f.getString("type").equals("room_updated"))
                .extracting(f -> f.getJsonObject("payload").getString("code"))
                .containsExactly("bad_json", "unknown_type", "invalid_argument", "not_in_room", "unsupported");
        // the other client hears nothing of it (lobby count updates may arrive at any time)
        assertThat(types(b)).allMatch(type -> type.equals("room_updated"));
    }

    @Test
    void aClientThatCannotKeepUpIsClosedWith1013AndTheOthersStillReceive() throws Exception {
        hub.close();
        hub = new Hub(new ChatSettings(2000, 5, 1 << 20, Duration.ofSeconds(25), Duration.ofSeconds(60), 100),
                "test", now::get);
        FakeConnection stuck = new FakeConnection().holdSends();
        FakeConnection fine = new FakeConnection();
        hub.connect(stuck, null);
        Client sender = hub.connect(fine, null);
        for (int i = 0; i < 20; i++) {
            sender.handle(request("{\"type\":\"new_message\",\"payload\":\"m" + i + "\"}"));
        }
        assertThat(fine.sent.stream().filter(f -> f.contains("\"type\":\"message\""))).hasSize(20);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stuck.closeCode == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(stuck.closeCode).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
    }

    @Test
    void aClientWhoseSendStaysUnfinishedPastTheSendTimeoutIsClosedWith1013() throws Exception {
        hub.close();
        hub = new Hub(new ChatSettings(2000, 1000, 1 << 20, Duration.ofSeconds(25), Duration.ofSeconds(60), 100)
                .withSendTimeout(Duration.ofMillis(300)), "test", now::get);
        FakeConnection stuck = new FakeConnection().writingFrames().holdSends();
        FakeConnection fine = new FakeConnection().writingFrames();
        hub.connect(stuck, null);
        Client sender = hub.connect(fine, null);
        sender.handle(request("{\"type\":\"new_message\",\"payload\":\"hello\"}"));
        // far below the caps: only the time rule can close it
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(10).toNanos();
        while (stuck.closeCode == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(stuck.closeCode).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(fine.closeCode).isZero();
    }

    @Test
    void aSendThatCompletesInTimeKeepsTheClient() throws Exception {
        hub.close();
        hub = new Hub(new ChatSettings(2000, 1000, 1 << 20, Duration.ofSeconds(25), Duration.ofSeconds(60), 100)
                .withSendTimeout(Duration.ofMillis(500)), "test", now::get);
        FakeConnection slowish = new FakeConnection().writingFrames().holdSends();
        Client sender = hub.connect(new FakeConnection(), null);
        hub.connect(slowish, null);
        for (int i = 0; i < 10; i++) { // each send completes after 100 ms: slow, never stalled
            sender.handle(request("{\"type\":\"new_message\",\"payload\":\"m" + i + "\"}"));
            Thread.sleep(100);
            while (!slowish.inFlight.isEmpty()) {
                slowish.completeOne();
            }
        }
        Thread.sleep(700);
        assertThat(slowish.closeCode).isZero();
    }

    @Test
    void theSendTimeoutIsScannedAtATenthOfItsLengthWithinBounds() {
        assertThat(Hub.sendCheckPeriod(Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Hub.sendCheckPeriod(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(200));
        assertThat(Hub.sendCheckPeriod(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void closingTheHubClosesEveryConnectionWith1001() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        hub.connect(a, null);
        hub.connect(b, null);
        hub.close();
        assertThat(a.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(b.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        FakeConnection late = new FakeConnection();
        assertThat(hub.connect(late, null)).isNull();
        assertThat(late.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
    }

    @Test
    void silentConnectionsArePingedThenClosed() throws Exception {
        hub.close();
        hub = new Hub(new ChatSettings(2000, 100, 1 << 20, Duration.ofMillis(50), Duration.ofMillis(300), 100),
                "test", now::get);
        FakeConnection silent = new FakeConnection();
        FakeConnection chatty = new FakeConnection();
        hub.connect(silent, null);
        Client talker = hub.connect(chatty, null);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (silent.closeCode == 0 && System.nanoTime() < deadline) {
            talker.touch(); // a pong or any frame counts as a sign of life
            Thread.sleep(10);
        }
        assertThat(silent.pings).isPositive();
        assertThat(silent.closeCode).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(chatty.closeCode).isZero();
    }

    /**
     * Messages stored while the delivery was busy with a fan-out arrive as one run: every member
     * gets them in seq order, in one write, each encoded once.
     */
    @Test
    void aRunOfStoredMessagesReachesEachMemberInOneWrite() {
        HeldDeliveries log = new HeldDeliveries(new MemoryMessageLog(100, now::get));
        hub.close();
        hub = new Hub(ChatSettings.defaults(), "test",
                new ChatStorage(log, RoomCatalog.NONE, IdentityCatalog.NONE), now::get);
        FakeConnection a = new FakeConnection().writingFrames();
        FakeConnection b = new FakeConnection().writingFrames();
        Client alice = hub.connect(a, null);
        hub.connect(b, null);
        a.writes.clear();
        b.writes.clear();

        log.hold = true;
        for (int i = 1; i <= 3; i++) {
            alice.handle(request("{\"type\":\"new_message\",\"payload\":\"m" + i + "\"}"));
        }
        assertThat(b.writes).as("nothing delivered while held").isEmpty();
        log.release();

        assertThat(b.writes).hasSize(1);
        assertThat(b.writes.get(0)).extracting(f -> payload(f).getInt("seq")).containsExactly(1, 2, 3);
        assertThat(a.writes.get(0)).extracting(f -> payload(f).getString("text")).containsExactly("m1", "m2", "m3");
        assertThat(a.writes.get(0).get(1)).isEqualTo(b.writes.get(0).get(1));
    }

    /** A message log whose deliveries can be held back and then handed on as one run. */
    private static final class HeldDeliveries implements MessageLog {
        private final MessageLog delegate;
        private final List<Message> held = new java.util.ArrayList<>();
        private java.util.function.Consumer<List<Message>> delivery;
        boolean hold;

        HeldDeliveries(MessageLog delegate) {
            this.delegate = delegate;
            delegate.onStored(run -> {
                if (hold) {
                    held.addAll(run);
                } else {
                    delivery.accept(run);
                }
            });
        }

        void release() {
            hold = false;
            delivery.accept(List.copyOf(held));
            held.clear();
        }

        @Override
        public void onStored(java.util.function.Consumer<List<Message>> delivery) {
            this.delivery = delivery;
        }

        @Override
        public java.util.concurrent.CompletionStage<Appended> append(Message draft) {
            return delegate.append(draft);
        }

        @Override
        public java.util.concurrent.CompletionStage<List<Message>> range(String room, long after, long upTo) {
            return delegate.range(room, after, upTo);
        }

        @Override
        public java.util.concurrent.CompletionStage<Message> find(String room, long seq) {
            return delegate.find(room, seq);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> delete(String room, long seq) {
            return delegate.delete(room, seq);
        }

        @Override
        public java.util.concurrent.CompletionStage<Recovery> recover(String room, long since, long upTo, int max) {
            return delegate.recover(room, since, upTo, max);
        }

        @Override
        public java.util.concurrent.CompletionStage<List<Message>> before(String room, long before, int limit) {
            return delegate.before(room, before, limit);
        }

        @Override
        public long lastSeq(String room) {
            return delegate.lastSeq(room);
        }

        @Override
        public java.util.concurrent.CompletionStage<Void> deleteRoom(String room) {
            return delegate.deleteRoom(room);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private static ClientFrame request(String json) {
        ClientFrame frame = new ClientFrameDecoder().decode(json);
        assertThat(frame).isInstanceOf(ClientFrame.Request.class);
        return frame;
    }

    private static List<String> types(FakeConnection connection) {
        return connection.sent.stream().map(f -> parse(f).getString("type")).toList();
    }

    private static List<JsonObject> frames(FakeConnection connection) {
        return connection.sent.stream().map(HubTest::parse).toList();
    }

    private static JsonObject payload(String frame) {
        return parse(frame).getJsonObject("payload");
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }
}
