package dev.sori.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A WebSocket client (the JDK's, over a real socket) that records into a {@link DeliveryLedger}
 * every {@code message} of the rooms it joined, on the socket's own thread as frames arrive, so a
 * test may post at full rate and check later. Posts carry a {@code cid}; the ones not acked when
 * the connection is lost can be posted again after {@link #resumeOn} ({@link #resendUnacked}),
 * as a client that keeps its promise of "exactly once" would.
 *
 * <p>One name is one client to the ledger: a resumed connection carries on the same streams.
 */
public final class LedgerClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** What {@code join} (or {@code create_room}) answered. */
    public record Joined(String room, boolean recovered, int count, int people, List<Long> historySeqs,
            JsonObject ack) {
    }

    /** A post that has no ack yet. */
    public record Post(String room, String text, String cid) {
    }

    private final DeliveryLedger ledger;
    private final String name;
    private final URI chat;
    private final WebSocket socket;
    private final CompletableFuture<JsonObject> welcome = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
    private final Map<String, Post> unacked;
    private final Set<String> rooms;
    private final List<Event> events = new ArrayList<>(); // everything but message, ack and error
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Long> frameCounts = new ConcurrentHashMap<>();
    private final Map<String, Long> sinceById = new ConcurrentHashMap<>(); // join request id -> since
    private final AtomicLong cids;

    private LedgerClient(DeliveryLedger ledger, String name, URI chat, String token, Map<String, Post> unacked,
            Set<String> rooms, AtomicLong cids) {
        this.ledger = ledger;
        this.name = name;
        this.chat = chat;
        this.unacked = unacked;
        this.rooms = rooms;
        this.cids = cids;
        URI uri = token == null ? chat : URI.create(chat + "?token=" + token);
        this.socket = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(uri, new Listener())
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        welcome.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Connects as a new identity and waits for {@code welcome}. */
    public static LedgerClient connect(DeliveryLedger ledger, String name, URI chat) {
        return new LedgerClient(ledger, name, chat, null, new LinkedHashMap<>(), ConcurrentHashMap.newKeySet(),
                new AtomicLong());
    }

    /**
     * The same person on a new connection to {@code otherChat} (with this identity's token), and
     * back in every room this client joined, each with {@code since} = the last seq it saw.
     * Posts still unacked stay remembered for {@link #resendUnacked}.
     */
    public Resumed resumeOn(URI otherChat) {
        close();
        LedgerClient next = new LedgerClient(ledger, name, otherChat, token(), unacked, rooms, cids);
        Map<String, Joined> joins = new LinkedHashMap<>();
        for (String room : List.copyOf(rooms)) {
            joins.put(room, next.join(room, ledger.last(name, room)));
        }
        return new Resumed(next, joins);
    }

    /** A resumed client and what each of its rejoins answered. */
    public record Resumed(LedgerClient client, Map<String, Joined> joins) {
    }

    public String name() {
        return name;
    }

    public URI chat() {
        return chat;
    }

    public JsonObject welcome() {
        return welcome.join().getJsonObject("payload");
    }

    public String token() {
        return welcome().getString("token");
    }

    public String nick() {
        return welcome().getString("nick");
    }

    /** The identity's public id (protocol 1.1), or null from a server without it. */
    public String uid() {
        return welcome().getString("uid", null);
    }

    /** Sends a request with a fresh id; completes with the {@code ack} or {@code error} frame that answers it. */
    public CompletableFuture<JsonObject> request(String type, String payloadJson) {
        return request(type, payloadJson, null);
    }

    private CompletableFuture<JsonObject> request(String type, String payloadJson, Long since) {
        String id = name + "/" + ids.incrementAndGet();
        CompletableFuture<JsonObject> reply = new CompletableFuture<>();
        pending.put(id, reply);
        if (since != null) {
            sinceById.put(id, since);
        }
        String frame = "{\"type\":" + quote(type) + (payloadJson == null ? "" : ",\"payload\":" + payloadJson)
                + ",\"id\":" + quote(id) + "}";
        try {
            send(frame);
        } catch (RuntimeException e) {
            pending.remove(id);
            reply.completeExceptionally(e);
        }
        return reply;
    }

    /** Joins {@code room} ({@code since} may be null) and records the history it answers with. */
    public Joined join(String room, Long since) {
        String payload = "{\"room\":" + quote(room) + (since == null ? "" : ",\"since\":" + since) + "}";
        JsonObject reply = await(request("join", payload, since));
        return entered(room, since, reply, "join " + room);
    }

    /** Creates an open room with this title, enters it, and returns its id. */
    public String createRoom(String title) {
        JsonObject reply = await(request("create_room", "{\"title\":" + quote(title) + "}"));
        String room = ackPayload(reply, "create_room").getString("room");
        entered(room, null, reply, "create_room");
        return room;
    }

    private Joined entered(String room, Long since, JsonObject reply, String what) {
        // The ack was recorded into the ledger on the socket's thread, before any live message
        // that followed it (see Listener): here it only becomes the answer.
        JsonObject ack = ackPayload(reply, what);
        List<Long> seqs = ack.getJsonArray("history").stream()
                .map(v -> v.asJsonObject().getJsonNumber("seq").longValue()).toList();
        return new Joined(room, ack.getBoolean("recovered", false), ack.getInt("count", -1),
                ack.getInt("people", -1), seqs, ack);
    }

    /**
     * Posts {@code text} to {@code room} with a fresh {@code cid}; completes with the acked seq
     * (recorded in the ledger), or exceptionally on an {@code error} or a lost connection.
     */
    public CompletableFuture<Long> post(String room, String text) {
        // A cid is 1-64 of [A-Za-z0-9_-]: the client's name, made to fit, and a counter.
        Post post = new Post(room, text, name.replaceAll("[^A-Za-z0-9_-]", "_") + "-" + cids.incrementAndGet());
        synchronized (unacked) {
            unacked.put(post.cid(), post);
        }
        return post(post);
    }

    private CompletableFuture<Long> post(Post post) {
        String payload = "{\"text\":" + quote(post.text()) + ",\"room\":" + quote(post.room()) + ",\"cid\":"
                + quote(post.cid()) + "}";
        return request("new_message", payload).thenApply(reply -> {
            long seq = ackPayload(reply, "new_message").getJsonNumber("seq").longValue();
            ledger.acked(name, post.room(), seq, post.text());
            synchronized (unacked) {
                unacked.remove(post.cid());
            }
            return seq;
        });
    }

    /** The posts that have no ack, oldest first. */
    public List<Post> unacked() {
        synchronized (unacked) {
            return List.copyOf(unacked.values());
        }
    }

    /** Posts every unacked message again with its own {@code cid}; the server must not store any twice. */
    public List<CompletableFuture<Long>> resendUnacked() {
        return unacked().stream().map(this::post).toList();
    }

    /** The last seq this client saw in {@code room} (ledger), or null. */
    public Long lastSeq(String room) {
        return ledger.last(name, room);
    }

    /** Waits until this client saw {@code seq} in {@code room}. */
    public void awaitSeq(String room, long seq, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Long last = ledger.last(name, room);
            if (last != null && last >= seq) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not see seq " + seq + " in " + room + " within " + timeout
                        + " (last seen: " + last + ")");
            }
            sleep(10);
        }
    }

    /** A frame other than {@code message}, {@code ack} and {@code error}, with its {@link System#nanoTime} of arrival. */
    public record Event(JsonObject frame, long arrived) {
    }

    /** Every frame but {@code message}, {@code ack} and {@code error}, in arrival order. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Waits until an event (see {@link #events}) whose frame matches {@code wanted} arrived; returns the first. */
    public Event awaitEvent(Predicate<JsonObject> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (Event e : events) {
                    if (wanted.test(e.frame())) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no such event within " + timeout + "; got " + events);
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    public boolean isOpen() {
        return !closed.isDone() && !socket.isInputClosed();
    }

    /** Waits until the connection is gone (closed, reset or failed); for a client whose node was killed. */
    public void awaitClosed(Duration timeout) {
        try {
            closed.handle((c, e) -> null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(name + "'s connection to " + chat + " still open after " + timeout, e);
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
        lost(new IllegalStateException(name + " closed"));
    }

    private synchronized void send(String frame) {
        socket.sendText(frame, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    private void lost(Throwable why) {
        closed.complete(-1);
        welcome.completeExceptionally(why); // a connection lost before its welcome fails at once
        for (String id : List.copyOf(pending.keySet())) {
            CompletableFuture<JsonObject> reply = pending.remove(id);
            if (reply != null) {
                reply.completeExceptionally(why);
            }
        }
    }

    /** How many frames of each type arrived on this connection, for a failure message. */
    public Map<String, Long> frameCounts() {
        return Map.copyOf(frameCounts);
    }

    private void onFrame(JsonObject frame) {
        String type = frame.getString("type", "");
        frameCounts.merge(type, 1L, Long::sum);
        switch (type) {
            case "welcome" -> welcome.complete(frame);
            case "message" -> {
                JsonObject p = frame.getJsonObject("payload");
                ledger.delivered(name, p.getString("room"), p.getJsonNumber("seq").longValue(), seen(p));
            }
            case "ack", "error" -> {
                CompletableFuture<JsonObject> reply = pending.remove(frame.getString("id", ""));
                if (reply == null) {
                    return;
                }
                recordEntry(frame);
                reply.complete(frame);
            }
            default -> {
                synchronized (events) {
                    events.add(new Event(frame, System.nanoTime()));
                    events.notifyAll();
                }
            }
        }
    }

    /**
     * A join or create_room ack goes into the ledger here, on the socket's thread: the server
     * sends the room's live messages only after it, so recording it later would misplace them.
     */
    private void recordEntry(JsonObject frame) {
        if (!"ack".equals(frame.getString("type")) || frame.get("payload") == null
                || frame.get("payload").getValueType() != JsonValue.ValueType.OBJECT) {
            return;
        }
        JsonObject ack = frame.getJsonObject("payload");
        if (!ack.containsKey("history") || !ack.containsKey("room")) {
            return;
        }
        String room = ack.getString("room");
        Long since = sinceOf(frame.getString("id"));
        List<Long> seqs = new ArrayList<>();
        List<DeliveryLedger.Seen> seen = new ArrayList<>();
        for (JsonValue v : ack.getJsonArray("history")) {
            seqs.add(v.asJsonObject().getJsonNumber("seq").longValue());
            seen.add(seen(v.asJsonObject()));
        }
        rooms.add(room);
        ledger.joined(name, room, since, ack.getBoolean("recovered", false), seqs, seen);
    }

    private Long sinceOf(String id) {
        return sinceById.remove(id);
    }

    private static DeliveryLedger.Seen seen(JsonObject p) {
        return new DeliveryLedger.Seen(p.getString("uid", null), p.getString("nick", null), p.getString("text", ""));
    }

    private static JsonObject ackPayload(JsonObject reply, String what) {
        if (!"ack".equals(reply.getString("type"))) {
            throw new AssertionError(what + " was answered with " + reply);
        }
        return reply.getJsonObject("payload");
    }

    private JsonObject await(CompletableFuture<JsonObject> reply) {
        return reply.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    static String quote(String s) {
        return Json.createValue(s).toString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try (var reader = Json.createReader(new StringReader(partial.toString()))) {
                    onFrame(reader.readObject());
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(new IllegalStateException(name + "'s connection closed: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(error);
        }
    }

    @Override
    public String toString() {
        return name + " on " + chat;
    }
}
