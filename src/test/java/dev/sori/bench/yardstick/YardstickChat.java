package dev.sori.bench.yardstick;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * The Node yardsticks' {@code ../yardstick-chat/chat.mjs}, line for line in Java: the protocol's
 * rules, the users, the one room's seq and history, the handlers. {@link YardstickEndpoint} holds
 * what is the stack's own (how a frame arrives and is sent, the broadcast loop). The endpoint
 * calls {@link #handle}, {@link #room} and {@link #systemEvent} under one lock, as Node's one
 * thread runs {@code chat.mjs}; {@link #newUser} and {@link #welcome} from any thread.
 */
final class YardstickChat {
    static final int MAX_MESSAGE_CHARS = 2000;
    static final int MAX_NICK_CHARS = 32;
    static final int MAX_FRAME_BYTES = 64 * 1024;
    static final int HISTORY_KEPT = 100;
    static final double RATE_PER_SECOND = 20;
    static final double RATE_BURST = 40;
    static final String PUBLIC_ROOM = "general";
    private static final String[] COLORS = {"#2a9d8f", "#e76f51", "#264653", "#8d5a97", "#3d5a80", "#9c6644",
        "#6a994e", "#bc4749", "#1d7874", "#7b2cbf", "#b5179e", "#4361ee"};
    private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

    /** What the protocol answers with an {@code error} frame; the connection stays. */
    static final class ProtocolError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;

        ProtocolError(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    @JsonbPropertyOrder({"type", "id", "payload"})
    public record Frame(String type, String id, Object payload) {}

    public record ServerInfo(String name, String version) {}

    public record Limits(int maxMessageChars, int maxNickChars) {}

    public record Welcome(String sid, String token, String nick, String color, String room, ServerInfo server,
            Limits limits) {}

    public record SystemEvent(String room, String kind, String nick, String old, String color, int count, long ts) {}

    public record Message(String room, long seq, String nick, String color, String text, long ts) {}

    public record Posted(String room, long seq) {}

    public record Renamed(String nick, String color) {}

    public record History(List<Message> messages) {}

    public record Problem(String code, String message) {}

    /** One connection's user. */
    static final class User {
        final String sid = UUID.randomUUID().toString();
        final String token = UUID.randomUUID().toString();
        String nick;
        final String color;
        final Set<Room> rooms = ConcurrentHashMap.newKeySet();
        double tokens = RATE_BURST;
        long refilled = System.currentTimeMillis();

        User(String nick, String color) {
            this.nick = nick;
            this.color = color;
        }
    }

    static final class Room {
        final String name;
        final Set<YardstickEndpoint> members = ConcurrentHashMap.newKeySet();
        private long seq;
        private final ArrayDeque<Message> history = new ArrayDeque<>();

        Room(String name) {
            this.name = name;
        }
    }

    /** What a handler returns: the ack's payload, and what to do once the ack is out. */
    record Handled(Object ack, Runnable then) {}

    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    Room room(String name) {
        return rooms.computeIfAbsent(name, Room::new);
    }

    /** Every token is a fresh one: the tutorials remember no one, so a token is never resumed. */
    User newUser() {
        int n = connections.incrementAndGet();
        return new User(String.format("Anon-%04d", random.nextInt(10000)), COLORS[n % COLORS.length]);
    }

    Frame welcome(User user, String serverName) {
        return new Frame("welcome", null, new Welcome(user.sid, user.token, user.nick, user.color, PUBLIC_ROOM,
                new ServerInfo(serverName, "1"), new Limits(MAX_MESSAGE_CHARS, MAX_NICK_CHARS)));
    }

    Frame systemEvent(Room r, String kind, User user, String old) {
        return new Frame("system", null, new SystemEvent(r.name, kind, user.nick, old, user.color, r.members.size(),
                System.currentTimeMillis()));
    }

    /**
     * One frame, parsed: the handler's result, or a {@link ProtocolError}. {@code broadcast}
     * sends a frame to a room's members.
     */
    Handled handle(YardstickEndpoint conn, User user, String type, Object payload,
            BiConsumer<Room, Frame> broadcast) {
        switch (type) {
            case "new_message": {
                String text = textOf(payload);
                Room r = roomOf(conn, payload);
                if (!allowed(user)) {
                    throw new ProtocolError("rate_limited", "too many messages");
                }
                Message message = new Message(r.name, ++r.seq, user.nick, user.color, text, System.currentTimeMillis());
                r.history.addLast(message);
                if (r.history.size() > HISTORY_KEPT) {
                    r.history.removeFirst();
                }
                return new Handled(new Posted(r.name, message.seq()),
                        () -> broadcast.accept(r, new Frame("message", null, message)));
            }
            case "nickname": {
                String nick = payload instanceof String s ? s.trim() : "";
                if (nick.isEmpty() || nick.length() > MAX_NICK_CHARS || CONTROL.matcher(nick).find()) {
                    throw new ProtocolError("invalid_argument",
                            "a nickname is 1-" + MAX_NICK_CHARS + " characters, no control characters");
                }
                String old = user.nick;
                user.nick = nick;
                return new Handled(new Renamed(nick, user.color), () -> {
                    for (Room r : user.rooms) {
                        broadcast.accept(r, systemEvent(r, "nick", user, old));
                    }
                });
            }
            case "history": {
                Room r = roomOf(conn, payload);
                Map<?, ?> p = payload instanceof Map<?, ?> m ? m : Map.of();
                int limit = (int) Math.min(100, Math.max(1, number(p.get("limit"), 50)));
                double before = number(p.get("before"), Double.POSITIVE_INFINITY);
                List<Message> older = new ArrayList<>();
                for (Message m : r.history) {
                    if (m.seq() < before) {
                        older.add(m);
                    }
                }
                return new Handled(new History(older.subList(Math.max(0, older.size() - limit), older.size())), null);
            }
            case "ping":
                return new Handled(payload, null);
            case "join", "leave", "create_room", "delete_room", "list_rooms", "typing":
                throw new ProtocolError("unsupported", type + " is not implemented by this yardstick");
            default:
                throw new ProtocolError("unknown_type", "unknown type " + type);
        }
    }

    private static double number(Object value, double fallback) {
        return value instanceof Number n ? n.doubleValue() : fallback;
    }

    private static String textOf(Object payload) {
        Object text = payload instanceof Map<?, ?> m ? m.get("text") : payload;
        if (!(text instanceof String s) || s.isEmpty() || s.length() > MAX_MESSAGE_CHARS) {
            throw new ProtocolError("invalid_argument", "text must be 1-" + MAX_MESSAGE_CHARS + " characters");
        }
        return s;
    }

    private Room roomOf(YardstickEndpoint conn, Object payload) {
        Object name = payload instanceof Map<?, ?> m && m.get("room") != null ? m.get("room") : PUBLIC_ROOM;
        Room r = rooms.get(String.valueOf(name));
        if (r == null || !r.members.contains(conn)) {
            throw new ProtocolError("not_in_room", "not in room " + name);
        }
        return r;
    }

    private static boolean allowed(User user) { // a token bucket per connection
        long now = System.currentTimeMillis();
        user.tokens = Math.min(RATE_BURST, user.tokens + (now - user.refilled) * RATE_PER_SECOND / 1000);
        user.refilled = now;
        if (user.tokens < 1) {
            return false;
        }
        user.tokens -= 1;
        return true;
    }
}
