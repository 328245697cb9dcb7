package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.protocol.ClientFrameDecoder;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat's use cases without a connection: an actor that is not a socket, and the events seam. */
class ChatServiceTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ChatEvents recorder = new ChatEvents() {
        @Override
        public void connected(String sid, String identityId, boolean resumed, int connections) {
            events.add("connected " + connections);
        }

        @Override
        public void posted(Message message, long nanos) {
            events.add("posted " + message.room() + " " + message.seq() + (nanos >= 0 ? "" : " negative latency"));
        }

        @Override
        public void duplicatePost(Message original) {
            events.add("duplicate " + original.seq());
        }

        @Override
        public void refused(String sid, String type, ErrorCode code) {
            events.add("refused " + type + " " + code.wireName());
        }

        @Override
        public void disconnected(String sid, int closeCode, int connections) {
            events.add("disconnected " + closeCode);
        }
    };
    private final Hub hub = new Hub(ChatSettings.defaults(), "test", ChatStorage.inMemory(100, System::currentTimeMillis),
            System::currentTimeMillis, new LocalRoomBus(), new LocalPresence(), recorder);

    @AfterEach
    void close() {
        hub.close();
    }

    /** Something that is not a connection: a bot, an API caller. */
    private static Actor bot(String id, String nick) {
        Identity identity = new Identity(id, "no-token", nick, "#000000", CompletableFuture.completedFuture(null));
        return () -> identity;
    }

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    @Test
    void anActorWithoutAConnectionPostsToEveryoneInTheRoom() {
        FakeConnection reader = new FakeConnection();
        hub.connect(reader, null);
        reader.sent.clear();

        Appended posted = hub.chat().post(bot("bot-1", "Ticker"), hub.chat().room("general"), "tick", "t-1", true)
                .toCompletableFuture().join();

        assertThat(posted.duplicate()).isFalse();
        JsonObject event = json(reader.sent.get(0));
        assertThat(event.getString("type")).isEqualTo("message");
        JsonObject payload = event.getJsonObject("payload");
        assertThat(payload.getString("nick")).isEqualTo("Ticker");
        assertThat(payload.getString("uid")).isEqualTo(Uids.of("bot-1"));
        assertThat(payload.getString("cid")).isEqualTo("t-1");

        // The same cid again: the original, delivered to nobody.
        Appended again = hub.chat().post(bot("bot-1", "Ticker"), hub.chat().room("general"), "tick", "t-1", true)
                .toCompletableFuture().join();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message().seq()).isEqualTo(posted.message().seq());
        assertThat(reader.sent).hasSize(1);
    }

    @Test
    void aWatcherGetsTheBacklogThenEveryLaterMessageOnceAndIsNoMember() {
        Room general = hub.chat().room("general");
        for (int i = 1; i <= 3; i++) {
            hub.chat().publish("Ticker", general, "m" + i, null, null).toCompletableFuture().join();
        }
        int countBefore = general.count();
        java.util.List<RoomEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        RoomWatcher watcher = new RoomWatcher() {
            @Override
            public void offer(RoomEvent event) {
                heard.add(event);
            }

            @Override
            public void end() {
            }
        };
        java.util.List<Message> backlog = hub.chat().watch(general, watcher, 1L).toCompletableFuture().join();
        hub.chat().publish(null, general, "m4", null, "c-4").toCompletableFuture().join();

        assertThat(backlog).extracting(Message::seq).containsExactly(2L, 3L);
        assertThat(backlog).allMatch(Message::bot);
        assertThat(heard).extracting(RoomEvent::seq).containsExactly(4L);
        JsonObject payload = json(heard.get(0).json());
        assertThat(payload.getString("nick")).isEqualTo("Sori");
        assertThat(payload.getBoolean("bot")).isTrue();
        assertThat(general.count()).as("a watcher is not counted").isEqualTo(countBefore);
        assertThat(hub.chat().publish("Ticker", general, "m4 again", null, "c-4").toCompletableFuture().join().duplicate())
                .isTrue();

        hub.chat().unwatch(general, watcher);
        hub.chat().publish("Ticker", general, "m5", null, null).toCompletableFuture().join();
        assertThat(heard).hasSize(1);
    }

    @Test
    void aWatcherHearsADeletionAfterTheMessageItTakesAway() {
        Room general = hub.chat().room("general");
        List<RoomEvent> heard = new CopyOnWriteArrayList<>();
        hub.chat().watch(general, new RoomWatcher() {
            @Override
            public void offer(RoomEvent event) {
                heard.add(event);
            }

            @Override
            public void end() {
            }
        }, null).toCompletableFuture().join();
        long seq = hub.chat().publish("Ticker", general, "oops", null, null).toCompletableFuture().join().message().seq();

        hub.chat().deleteMessage(ChatService.SERVER, general, seq).toCompletableFuture().join();

        assertThat(heard).extracting(RoomEvent::type).containsExactly(RoomEvent.MESSAGE, RoomEvent.MESSAGE_DELETED);
        assertThat(heard.get(1).seq()).as("not a stored message of its own").isZero();
        assertThat(json(heard.get(1).json())).isEqualTo(json("{\"room\":\"general\",\"seq\":" + seq + "}"));
    }

    @Test
    void aRoomWithAPasswordCannotBeWatched() {
        FakeConnection owner = new FakeConnection();
        Client client = hub.connect(owner, null);
        Room locked = hub.chat().createRoom(client, "locked", null, "hunter22").toCompletableFuture().join().room();
        assertThatThrownBy(() -> hub.chat().watch(locked, new RoomWatcher() {
            @Override
            public void offer(RoomEvent event) {
            }

            @Override
            public void end() {
            }
        }, null)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(dev.sori.protocol.ErrorCode.FORBIDDEN));
    }

    @Test
    void anImageIsPostedOnlyByWhoUploadedItWithAnOptionalCaption() {
        Media gif = new Media("ab".repeat(32), "image/gif", 320, 240, 4_321);
        MediaCatalog uploads = (identityId, mediaId) -> CompletableFuture.completedFuture(
                identityId.equals("bot-1") && mediaId.equals(gif.id()) ? Optional.of(gif) : Optional.empty());
        ChatStorage memory = ChatStorage.inMemory(100, System::currentTimeMillis);
        try (Hub withUploads = new Hub(ChatSettings.defaults(), "test",
                new ChatStorage(memory.messages(), memory.rooms(), memory.identities(), uploads),
                System::currentTimeMillis, new LocalRoomBus(), new LocalPresence(), recorder)) {
            FakeConnection reader = new FakeConnection();
            withUploads.connect(reader, null);
            reader.sent.clear();
            Room general = withUploads.chat().room("general");

            withUploads.chat().postMedia(bot("bot-1", "Ticker"), general, null, gif.id(), null, true)
                    .toCompletableFuture().join();

            JsonObject payload = json(reader.sent.get(0)).getJsonObject("payload");
            assertThat(payload.getString("text")).isEmpty();
            assertThat(payload.getJsonObject("media")).isEqualTo(json("{\"id\":\"" + gif.id()
                    + "\",\"type\":\"image/gif\",\"width\":320,\"height\":240,\"bytes\":4321,\"url\":\"media/"
                    + gif.id() + "\"}"));
            assertThatThrownBy(() -> withUploads.chat().postMedia(bot("bot-2", "Other"), general, "mine now", gif.id(),
                    null, true).toCompletableFuture().join())
                    .cause().isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> withUploads.chat().postMedia(bot("bot-1", "Ticker"), general, "x".repeat(2001),
                    gif.id(), null, true)).isInstanceOfSatisfying(ProtocolException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThat(reader.sent).hasSize(1);
        }
    }

    @Test
    void theServiceRefusesWhatTheRulesRefuseWhoeverAsks() {
        assertThatThrownBy(() -> hub.chat().post(bot("bot-1", "Ticker"), hub.chat().room("general"), " ", null, true))
                .isInstanceOf(ProtocolException.class).extracting(e -> ((ProtocolException) e).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> hub.chat().room("nowhere")).isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThatThrownBy(() -> hub.chat().deleteRoom(bot("bot-1", "Ticker"), hub.chat().room("general")))
                .isInstanceOf(ProtocolException.class).extracting(e -> ((ProtocolException) e).code())
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void theEventsSeamHearsConnectionsPostsDuplicatesAndRefusals() {
        FakeConnection connection = new FakeConnection();
        Client client = hub.connect(connection, null);
        ClientFrameDecoder decoder = new ClientFrameDecoder();
        client.handle(decoder.decode("{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"cid\":\"c1\"},\"id\":\"1\"}"));
        client.handle(decoder.decode("{\"type\":\"new_message\",\"payload\":{\"text\":\"hi\",\"cid\":\"c1\"},\"id\":\"2\"}"));
        client.handle(decoder.decode("{\"type\":\"join\",\"payload\":{\"room\":\"nowhere\"},\"id\":\"3\"}"));
        hub.disconnect(client, 1000);

        assertThat(events).containsExactly("connected 1", "posted general 1", "duplicate 1", "refused join not_found",
                "disconnected 1000");
    }
}
