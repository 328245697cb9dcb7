package dev.sori.chat;

import dev.sori.protocol.Acks;
import dev.sori.protocol.ClientFrame;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.Requests;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One small handler per request type of the protocol: reads the payload, picks the room from the
 * connection's point of view (which rooms it is in), calls the {@link ChatService} and answers.
 * Each answers by itself through the {@link Client}: most with {@link Client#ack}, a join through
 * the room's gate, so that its ack goes out ahead of what the room sent meanwhile.
 */
final class RequestHandlers {
    /** Handles one request; refusals throw or fail the stage, and the client answers them with an error. */
    @FunctionalInterface
    interface Handler {
        CompletionStage<Void> handle(ChatService chat, Client client, ClientFrame.Request request);
    }

    private static final Map<String, Handler> BY_TYPE = Map.of(
            "new_message", RequestHandlers::newMessage,
            "nickname", RequestHandlers::nickname,
            "join", RequestHandlers::join,
            "leave", RequestHandlers::leave,
            "create_room", RequestHandlers::createRoom,
            "delete_room", RequestHandlers::deleteRoom,
            "list_rooms", (chat, client, request) -> client.ack(request, new Acks.Rooms(chat.rooms())),
            "history", RequestHandlers::history,
            "typing", RequestHandlers::typing,
            "ping", (chat, client, request) -> client.ack(request, request.hasPayload() ? request.payload() : null));

    private RequestHandlers() {
    }

    /** The handler of {@code type}, or {@code unknown_type}. */
    static Handler of(String type) {
        Handler handler = BY_TYPE.get(type);
        if (handler == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + Client.shorten(type) + "\"");
        }
        return handler;
    }

    private static CompletionStage<Void> newMessage(ChatService chat, Client client, ClientFrame.Request request) {
        Requests.NewMessage post = Requests.NewMessage.from(request.payload());
        Room room = targetRoom(chat, client, post.room());
        CompletionStage<Appended> posted = post.media() == null
                ? chat.post(client, room, post.text(), post.cid(), post.echo())
                : chat.postMedia(client, room, post.text(), post.media(), post.cid(), post.echo());
        return posted.thenCompose(appended -> {
            Message m = appended.message();
            return client.ack(request, new Acks.Posted(m.room(), m.seq(), post.cid(),
                    appended.duplicate() ? Boolean.TRUE : null));
        });
    }

    private static CompletionStage<Void> nickname(ChatService chat, Client client, ClientFrame.Request request) {
        return chat.rename(client, Requests.nickname(request.payload()))
                .thenCompose(identity -> client.ack(request, new Acks.Nick(identity.nick(), identity.color())));
    }

    private static CompletionStage<Void> join(ChatService chat, Client client, ClientFrame.Request request) {
        Requests.Join join = Requests.bind(request.payload(), Requests.Join.class);
        Room room = chat.room(Requests.requiredRoom(join.room()));
        return chat.join(client, room, join.password(), join.since()).thenAccept(entry -> entered(client, request, entry));
    }

    private static CompletionStage<Void> createRoom(ChatService chat, Client client, ClientFrame.Request request) {
        Requests.CreateRoom create = Requests.bind(request.payload(), Requests.CreateRoom.class);
        return chat.createRoom(client, create.title(), create.max(), create.password())
                .thenAccept(entry -> entered(client, request, entry));
    }

    /** The join ack goes through the room's gate: ahead of everything the room sent meanwhile. */
    private static void entered(Client client, ClientFrame.Request request, ChatService.Entry entry) {
        Room room = entry.room();
        Room.Admission admission = entry.admission();
        entry.open(client.ackFrame(request, new Acks.Joined(room.id(), room.title(), admission.count(),
                admission.people(), admission.members(), Frames.wire(entry.history().messages()),
                entry.history().recovered())));
    }

    private static CompletionStage<Void> leave(ChatService chat, Client client, ClientFrame.Request request) {
        Room room = memberRoom(chat, client, Requests.bind(request.payload(), Requests.RoomRef.class).room());
        return chat.leave(client, room).thenCompose(v -> client.ack(request, new Acks.Empty()));
    }

    private static CompletionStage<Void> deleteRoom(ChatService chat, Client client, ClientFrame.Request request) {
        Room room = chat.room(Requests.requiredRoom(Requests.bind(request.payload(), Requests.RoomRef.class).room()));
        return chat.deleteRoom(client, room).thenCompose(v -> client.ack(request, new Acks.Empty()));
    }

    private static CompletionStage<Void> history(ChatService chat, Client client, ClientFrame.Request request) {
        Requests.History ask = Requests.bind(request.payload(), Requests.History.class);
        Room room = memberRoom(chat, client, ask.room());
        return chat.history(room, ask.before(), ask.limit())
                .thenCompose(page -> client.ack(request, new Acks.History(Frames.wire(page))));
    }

    private static CompletionStage<Void> typing(ChatService chat, Client client, ClientFrame.Request request) {
        Room room = memberRoom(chat, client, Requests.bind(request.payload(), Requests.RoomRef.class).room());
        return chat.typing(client, room).thenCompose(v -> client.ack(request, null));
    }

    /** The room a message goes to: the named one (which the client must be in), or its only room. */
    private static Room targetRoom(ChatService chat, Client client, String roomId) {
        if (roomId != null) {
            return memberRoom(chat, client, roomId);
        }
        List<Room> current = List.copyOf(client.rooms());
        if (current.isEmpty()) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "you are not in any room; join one first");
        }
        if (current.size() > 1) {
            throw ProtocolException.invalidArgument("you are in several rooms; say which with \"room\"");
        }
        return current.get(0);
    }

    /** A room this client is in, or {@code not_in_room}. */
    private static Room memberRoom(ChatService chat, Client client, String roomId) {
        Room room = chat.findRoom(Requests.requiredRoom(roomId));
        if (room == null || !client.isIn(room)) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "you are not in room \"" + Client.shorten(roomId) + "\"");
        }
        return room;
    }
}
