package dev.sori.bench.yardstick;

import dev.sori.bench.yardstick.YardstickChat.Frame;
import dev.sori.bench.yardstick.YardstickChat.Handled;
import dev.sori.bench.yardstick.YardstickChat.Problem;
import dev.sori.bench.yardstick.YardstickChat.ProtocolError;
import dev.sori.bench.yardstick.YardstickChat.Room;
import dev.sori.bench.yardstick.YardstickChat.User;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat of the Jakarta WebSocket tutorials, on the stack Sori is built on, written the way they
 * write it: an annotated endpoint, an instance per connection, JSON-B once per broadcast,
 * {@code getAsyncRemote().sendText} in a loop over the room's members. Idiomatic, not tuned: what
 * this costs is what Tyrus, Grizzly and Yasson cost before any of Sori's own code.
 */
@ServerEndpoint("/chat")
public class YardstickEndpoint {
    private static final System.Logger LOG = System.getLogger(YardstickEndpoint.class.getName());
    static final YardstickChat CHAT = new YardstickChat();
    static final Jsonb JSON = JsonbBuilder.create();
    /** Every open connection, for the heartbeat (Node's {@code wss.clients}). */
    static final Set<YardstickEndpoint> OPEN = ConcurrentHashMap.newKeySet();

    private Session session;
    private User user;
    volatile boolean alive = true;

    @OnOpen
    public void onOpen(Session session) {
        this.session = session;
        this.user = CHAT.newUser();
        OPEN.add(this);
        send(CHAT.welcome(user, "tyrus-yardstick"));
        synchronized (CHAT) {
            Room general = CHAT.room(YardstickChat.PUBLIC_ROOM);
            general.members.add(this);
            user.rooms.add(general);
            broadcast(general, CHAT.systemEvent(general, "join", user, null)); // the newcomer included
        }
    }

    @OnMessage(maxMessageSize = YardstickChat.MAX_FRAME_BYTES)
    public void onText(String text) {
        String id = null;
        try {
            Object frame;
            try {
                frame = JSON.fromJson(text, Object.class);
            } catch (JsonbException e) {
                throw new ProtocolError("bad_json", "not JSON");
            }
            if (!(frame instanceof Map<?, ?> f) || !(f.get("type") instanceof String type)
                    || (f.get("id") != null && !(f.get("id") instanceof String s && s.length() <= 64))) {
                throw new ProtocolError("bad_envelope", "expected {\"type\",\"payload\"?,\"id\"?}");
            }
            id = (String) f.get("id");
            // One frame at a time, as Node's one thread handles them: a room's seqs then reach
            // every member in order (on Grizzly's worker threads they would otherwise race).
            synchronized (CHAT) {
                Handled handled = CHAT.handle(this, user, type, f.get("payload"), this::broadcast);
                if (id != null) {
                    send(new Frame("ack", id, handled.ack()));
                }
                if (handled.then() != null) {
                    handled.then().run(); // after the ack: the sender receives the broadcast too
                }
            }
        } catch (ProtocolError e) {
            send(new Frame("error", id, new Problem(e.code, e.getMessage())));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "frame failed", e);
            send(new Frame("error", id, new Problem("internal", "internal error")));
        }
    }

    @OnMessage(maxMessageSize = YardstickChat.MAX_FRAME_BYTES)
    public void onBinary(ByteBuffer data) {
        send(new Frame("error", null, new Problem("unsupported", "binary frames are not supported")));
    }

    @OnMessage
    public void onPong(PongMessage pong) {
        alive = true;
    }

    @OnClose
    public void onClose() {
        OPEN.remove(this);
        synchronized (CHAT) {
            for (Room r : user.rooms) {
                r.members.remove(this);
                broadcast(r, CHAT.systemEvent(r, "leave", user, null));
            }
            user.rooms.clear();
        }
    }

    @OnError
    public void onError(Throwable failure) {
        // a reset socket: @OnClose follows
    }

    /** The heartbeat of the {@code ws} README: ping everyone, drop who did not answer the last one. */
    static void heartbeat() {
        for (YardstickEndpoint e : OPEN) {
            try {
                if (!e.alive) {
                    e.session.close();
                } else {
                    e.alive = false;
                    e.session.getAsyncRemote().sendPing(ByteBuffer.allocate(0));
                }
            } catch (Exception failure) {
                // closing already
            }
        }
    }

    private void send(Frame frame) {
        if (session.isOpen()) {
            session.getAsyncRemote().sendText(JSON.toJson(frame));
        }
    }

    private void broadcast(Room room, Frame frame) {
        String data = JSON.toJson(frame); // once per broadcast, as in the tutorials
        for (YardstickEndpoint member : room.members) {
            if (member.session.isOpen()) {
                member.session.getAsyncRemote().sendText(data);
            }
        }
    }
}
