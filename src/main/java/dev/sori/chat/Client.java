package dev.sori.chat;

import dev.sori.protocol.Acks;
import dev.sori.protocol.ClientFrame;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.Requests;
import dev.sori.protocol.ServerFrame;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One connection's protocol state: who it is, which rooms it is in, its outbox, and the
 * handling of its requests. It knows the protocol but not the transport under it.
 */
public final class Client {
    private static final int MAX_ECHOED_TYPE_CHARS = 32;

    private final Hub hub;
    private final String sid;
    private final Identity identity;
    private final Connection connection;
    private final Outbox outbox;
    private final Set<Room> rooms = new CopyOnWriteArraySet<>();
    private volatile long lastHeardNanos = System.nanoTime();

    Client(Hub hub, String sid, Identity identity, Connection connection, ChatSettings settings) {
        this.hub = hub;
        this.sid = sid;
        this.identity = identity;
        this.connection = connection;
        this.outbox = new Outbox(connection, settings.maxPendingFrames(), settings.maxPendingBytes(),
                (frames, bytes) -> hub.cutLoose(this, frames, bytes));
    }

    public String sid() {
        return sid;
    }

    public Identity identity() {
        return identity;
    }

    Connection connection() {
        return connection;
    }

    Outbox outbox() {
        return outbox;
    }

    /** The rooms this client is in, in no particular order. */
    public Set<Room> rooms() {
        return Set.copyOf(rooms);
    }

    /** Records that the peer is alive: a frame or a pong arrived. */
    public void touch() {
        lastHeardNanos = System.nanoTime();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Handles one frame from the client; every failure becomes an {@code error} reply. */
    public void handle(ClientFrame frame) {
        touch();
        if (frame instanceof ClientFrame.Malformed malformed) {
            send(ServerFrame.error(malformed.id(), malformed.code(), malformed.message()));
            return;
        }
        ClientFrame.Request request = (ClientFrame.Request) frame;
        try {
            Object ack = dispatch(request);
            if (request.id() != null) {
                send(ServerFrame.ack(request.id(), ack));
            }
        } catch (ProtocolException e) {
            send(ServerFrame.error(request.id(), e.code(), e.getMessage()));
        }
    }

    /** A binary frame: the protocol is text only. */
    public void rejectBinary() {
        touch();
        send(ServerFrame.error(null, ErrorCode.UNSUPPORTED, "binary frames are not supported; send JSON text frames"));
    }

    /** A text frame over the size limit, when the transport lets the application see it. */
    public void rejectTooLarge(int limitBytes) {
        touch();
        send(ServerFrame.error(null, ErrorCode.TOO_LARGE, "frames are limited to " + limitBytes + " bytes"));
    }

    private Object dispatch(ClientFrame.Request request) {
        switch (request.type()) {
            case "new_message":
                return post(Requests.NewMessage.from(request.payload()));
            case "nickname":
                return rename(Requests.nickname(request.payload()));
            case "ping":
                return request.hasPayload() ? request.payload() : null;
            case "join":
            case "leave":
            case "create_room":
            case "delete_room":
            case "list_rooms":
            case "history":
            case "typing":
                throw new ProtocolException(ErrorCode.UNSUPPORTED,
                        "\"" + request.type() + "\" is not available on this server yet");
            default:
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + shorten(request.type()) + "\"");
        }
    }

    private Acks.Posted post(Requests.NewMessage request) {
        String text = Messages.validateText(request.text(), hub.settings().maxMessageChars());
        Room room = targetRoom(request.room());
        return new Acks.Posted(room.name(), room.post(identity, text).seq());
    }

    private Room targetRoom(String roomName) {
        if (roomName != null) {
            Room room = hub.room(roomName);
            if (room == null || !rooms.contains(room)) {
                throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "you are not in room \"" + shorten(roomName) + "\"");
            }
            return room;
        }
        List<Room> current = List.copyOf(rooms);
        if (current.isEmpty()) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "you are not in any room; join one first");
        }
        if (current.size() > 1) {
            throw ProtocolException.invalidArgument("you are in several rooms; say which with \"room\"");
        }
        return current.get(0);
    }

    private Acks.Nick rename(String requested) {
        String nick = Nicknames.validate(requested);
        String old = identity.nick();
        identity.rename(nick);
        if (!nick.equals(old)) {
            for (Room room : rooms) {
                room.announceRename(old, nick);
            }
        }
        return new Acks.Nick(nick, identity.color());
    }

    /** Sends one frame to this client alone. */
    void send(ServerFrame frame) {
        outbox.send(EncodedFrame.of(Json.write(frame)));
    }

    void entered(Room room) {
        rooms.add(room);
    }

    void left(Room room) {
        rooms.remove(room);
    }

    private static String shorten(String s) {
        return s.length() <= MAX_ECHOED_TYPE_CHARS ? s : s.substring(0, MAX_ECHOED_TYPE_CHARS) + "…";
    }

    @Override
    public String toString() {
        return "Client[" + sid + "]";
    }
}
