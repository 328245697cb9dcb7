package dev.sori.chat;

import dev.sori.protocol.Acks;
import dev.sori.protocol.ClientFrame;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.Requests;
import dev.sori.protocol.ServerFrame;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection's protocol state: who it is, which rooms it is in, its outbox, and the
 * handling of its requests. It knows the protocol but not the transport under it.
 *
 * <p>A request handler returns the ack payload, or a stage of it when the answer needs storage
 * or password hashing; the reply is sent when it completes, on whatever thread completes it.
 */
public final class Client {
    private static final System.Logger LOG = System.getLogger(Client.class.getName());
    private static final int MAX_ECHOED_CHARS = 32;
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 100;
    /** The most missed messages a {@code join} with {@code since} replays; beyond, recovered=false. */
    static final int MAX_RECOVERY = 1000;
    private static final int MAX_PASSWORD_CHARS = 128;
    /** Returned by handlers that queue their ack themselves (behind a room's gate). */
    private static final Object REPLIED = new Object();

    /** Frames a client may send before its identity is resumed; beyond, it is closed (1008). */
    private static final int MAX_EARLY_FRAMES = 64;

    private final Hub hub;
    private final String sid;
    private volatile Identity identity; // null until start()
    private List<ClientFrame> early = new ArrayList<>(); // guarded by this; null once started
    private boolean stopped; // guarded by this
    private volatile boolean welcomed;
    private final Connection connection;
    private final Outbox outbox;
    private final Set<Room> rooms = new CopyOnWriteArraySet<>();
    private volatile long lastHeardNanos = System.nanoTime();
    private final String address; // AddressKey, null when unknown
    private final RequestRate rate; // used by one frame at a time (see process)
    private boolean rateLogged;
    private boolean flooded;

    Client(Hub hub, String sid, Connection connection, ChatSettings settings, String address) {
        this.hub = hub;
        this.sid = sid;
        this.connection = connection;
        this.address = address;
        this.rate = new RequestRate(settings.rateLimit(), settings.rateBurst(), System.nanoTime());
        this.outbox = new Outbox(connection, settings.maxPendingFrames(), settings.maxPendingBytes(),
                new Outbox.Listener() {
                    @Override
                    public void overflowed(int pendingFrames, long pendingBytes) {
                        hub.cutLoose(Client.this, pendingFrames, pendingBytes);
                    }

                    @Override
                    public void sendFailed(Throwable failure) {
                        hub.sendFailed(Client.this, failure);
                    }
                });
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

    /** The key per-address limits count this client by ({@link AddressKey}), or null when unknown. */
    String address() {
        return address;
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

    /**
     * Gives the client its identity: runs {@code welcome}, then the frames that arrived before,
     * in order. Returns false (and does nothing) when the connection is already gone.
     */
    boolean start(Identity resumed, Runnable welcome) {
        synchronized (this) {
            if (stopped) {
                return false;
            }
            identity = resumed;
        }
        welcome.run();
        while (true) {
            List<ClientFrame> batch;
            synchronized (this) {
                batch = early;
                if (batch.isEmpty()) {
                    early = null;
                    return true;
                }
                early = new ArrayList<>(); // frames arriving while this batch runs go after it
            }
            batch.forEach(this::process);
        }
    }

    /** {@code welcome} is queued: from now on this client may be sent anything. */
    void welcomed() {
        welcomed = true;
    }

    /** Whether {@code welcome} is queued; lobby events wait for it, since welcome comes first. */
    boolean isWelcomed() {
        return welcomed;
    }

    /** The connection is gone; a pending {@link #start} will not run. */
    synchronized void stop() {
        stopped = true;
    }

    /** Handles one frame from the client; every failure becomes an {@code error} reply. */
    public void handle(ClientFrame frame) {
        touch();
        synchronized (this) {
            if (early != null) {
                if (early.size() >= MAX_EARLY_FRAMES) {
                    early.clear();
                    LOG.log(Level.INFO, "sid={0}: more than {1} frames before welcome, closing with 1008", sid,
                            MAX_EARLY_FRAMES);
                    connection.close(CloseCodes.POLICY_VIOLATION, "too many frames before welcome");
                } else {
                    early.add(frame);
                }
                return;
            }
        }
        process(frame);
    }

    /**
     * Runs one frame. Frames that arrive before {@code welcome} are counted against the rate
     * limit here, when they run right after it, rather than on arrival: a refusal must not come
     * before {@code welcome}, and counting them late is only stricter. One frame at a time: the
     * container delivers a session's frames in turn, and {@link #start} hands over to it only
     * once the early frames have run.
     */
    private void process(ClientFrame frame) {
        if (!withinRate(frame)) {
            return;
        }
        if (frame instanceof ClientFrame.Malformed malformed) {
            send(ServerFrame.error(malformed.id(), malformed.code(), malformed.message()));
            return;
        }
        ClientFrame.Request request = (ClientFrame.Request) frame;
        Object result;
        try {
            result = dispatch(request);
        } catch (RuntimeException e) {
            reply(request, null, e); // a refusal, storage trouble, or a bug: see reply
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> reply(request, value, failure));
        } else {
            reply(request, result, null);
        }
    }

    /** Applies the request rate limit ({@link RequestRate}); false when the frame must not run. */
    private boolean withinRate(ClientFrame frame) {
        switch (rate.admit(System.nanoTime())) {
            case ACCEPT:
                return true;
            case REFUSE:
                if (!rateLogged) { // one line per connection: a flood must not flood the log too
                    rateLogged = true;
                    LOG.log(Level.INFO, "rate limited sid={0}: refusing frames over {1,number,#}/s (burst {2,number,#})",
                            sid, hub.settings().rateLimit(), hub.settings().rateBurst());
                }
                send(ServerFrame.error(frame.id(), ErrorCode.RATE_LIMITED, "too many requests: at most "
                        + hub.settings().rateLimit() + " a second; slow down"));
                return false;
            default:
                if (!flooded) {
                    flooded = true;
                    LOG.log(Level.WARNING, "flooding sid={0}: past {1,number,#} times the rate limit, closing with 1008",
                            sid, RequestRate.CLOSE_FACTOR);
                    connection.close(CloseCodes.POLICY_VIOLATION, "flooding: far past the rate limit");
                }
                return false;
        }
    }

    /**
     * Answers a request. A refusal ({@link ProtocolException}) or storage trouble
     * ({@link UnavailableException}) is an {@code error} and the connection lives on. Anything
     * else is a bug met while handling this connection: it is logged (one line and the stack,
     * no message text: {@link RedactedFailure}), the request gets {@code internal}, and this
     * connection alone is closed with 1011, since its state can no longer be trusted.
     */
    private void reply(ClientFrame.Request request, Object ack, Throwable failure) {
        if (failure == null) {
            if (ack != REPLIED && request.id() != null) {
                send(ServerFrame.ack(request.id(), ack));
            }
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof ProtocolException p) {
            send(ServerFrame.error(request.id(), p.code(), p.getMessage()));
        } else if (cause instanceof RoomNotFoundException) {
            send(ServerFrame.error(request.id(), ErrorCode.NOT_FOUND, "no such room"));
        } else if (cause instanceof UnavailableException) {
            send(ServerFrame.error(request.id(), ErrorCode.UNAVAILABLE, "storage is unavailable; try again shortly"));
        } else {
            LOG.log(Level.ERROR, "request failed sid=" + sid + " type=" + shorten(request.type())
                    + ", closing with 1011", RedactedFailure.of(cause));
            send(ServerFrame.error(request.id(), ErrorCode.INTERNAL, "internal error"));
            connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** A binary frame: the protocol is text only. */
    public void rejectBinary() {
        handle(new ClientFrame.Malformed(ErrorCode.UNSUPPORTED, "binary frames are not supported; send JSON text frames", null));
    }

    private Object dispatch(ClientFrame.Request request) {
        switch (request.type()) {
            case "new_message":
                return post(Requests.NewMessage.from(request.payload()));
            case "nickname":
                return rename(Requests.nickname(request.payload()));
            case "join":
                return join(request, Requests.bind(request.payload(), Requests.Join.class));
            case "leave":
                return leave(Requests.bind(request.payload(), Requests.RoomRef.class));
            case "create_room":
                return createRoom(request, Requests.bind(request.payload(), Requests.CreateRoom.class));
            case "delete_room":
                return deleteRoom(Requests.bind(request.payload(), Requests.RoomRef.class));
            case "list_rooms":
                return new Acks.Rooms(hub.lobby().list());
            case "history":
                return history(Requests.bind(request.payload(), Requests.History.class));
            case "typing":
                return typing(Requests.bind(request.payload(), Requests.RoomRef.class));
            case "ping":
                return request.hasPayload() ? request.payload() : null;
            default:
                throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + shorten(request.type()) + "\"");
        }
    }

    /**
     * Posts a message. The ack follows the message's delivery to the room (so the sender's own
     * copy, unless it asked for {@code echo:false}, comes first); a resent {@code cid} is acked
     * with the original's place and {@code duplicate}, and delivered to nobody.
     */
    private CompletionStage<Acks.Posted> post(Requests.NewMessage request) {
        String text = Messages.validateText(request.text(), hub.settings().maxMessageChars());
        Room room = targetRoom(request.room());
        Message draft = Message.draft(room.id(), identity.id(), identity.nick(), identity.color(), text,
                request.cid(), request.echo() ? null : sid);
        return hub.log().append(draft).thenCompose(appended -> {
            Message m = appended.message();
            Acks.Posted ack = new Acks.Posted(m.room(), m.seq(), request.cid(), appended.duplicate() ? Boolean.TRUE : null);
            if (appended.duplicate()) {
                return CompletableFuture.completedFuture(ack);
            }
            return room.sequencer().delivered(m.seq()).thenApply(v -> ack);
        });
    }

    private Room targetRoom(String roomId) {
        if (roomId != null) {
            return memberRoom(roomId);
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

    /** A room this client is in, or {@code not_in_room}. */
    private Room memberRoom(String roomId) {
        Room room = hub.lobby().find(Requests.requiredRoom(roomId));
        if (room == null || !rooms.contains(room)) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM, "you are not in room \"" + shorten(roomId) + "\"");
        }
        return room;
    }

    private Room existingRoom(String roomId) {
        Room room = hub.lobby().find(Requests.requiredRoom(roomId));
        if (room == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no room \"" + shorten(roomId) + "\"");
        }
        return room;
    }

    private CompletionStage<Object> join(ClientFrame.Request request, Requests.Join join) {
        Room room = existingRoom(join.room());
        if (join.since() != null && join.since() < 0) {
            throw ProtocolException.invalidArgument("\"since\" must not be negative");
        }
        boolean mayEnter = room.admitsWithoutPassword(identity) || room.hasMember(this);
        String password = join.password();
        CompletionStage<Boolean> allowed;
        if (mayEnter) {
            allowed = CompletableFuture.completedFuture(true);
        } else if (password == null || password.isEmpty()) {
            allowed = CompletableFuture.completedFuture(false); // no guess: nothing to check or count
        } else {
            PasswordGuard.Attempt attempt = hub.passwordGuard().begin(identity.id(), address);
            try {
                allowed = onPasswordThread(() -> hub.passwords().verify(password, room.passwordHash()));
            } catch (ProtocolException e) {
                attempt.abandoned();
                throw e;
            }
            allowed = allowed.whenComplete((ok, failure) -> {
                if (failure != null) {
                    attempt.abandoned();
                } else if (ok) {
                    attempt.succeeded();
                } else {
                    attempt.failed();
                }
            });
        }
        return allowed.thenCompose(ok -> {
            if (!ok) {
                // Says nothing about the room beyond that this password does not open it.
                throw new ProtocolException(ErrorCode.FORBIDDEN, "wrong password");
            }
            if (!mayEnter) {
                room.passwordAccepted(identity);
            }
            return enter(room, request.id(), join.since());
        });
    }

    /**
     * Admits this client to {@code room} behind the room's gate, loads its history (everything
     * after {@code since}, or the latest page), then queues the ack and lifts the gate.
     */
    private CompletionStage<Object> enter(Room room, String requestId, Long since) {
        Room.Admission admission = room.admit(this);
        if (!admission.alreadyMember()) {
            hub.lobby().countChanged(room);
        }
        MessageLog log = hub.log();
        long upTo = admission.upTo();
        CompletionStage<MessageLog.Recovery> history = since == null
                ? log.before(room.id(), upTo + 1, DEFAULT_PAGE).thenApply(page -> new MessageLog.Recovery(page, false))
                : log.recover(room.id(), since, upTo, MAX_RECOVERY).thenCompose(recovery -> recovery.recovered()
                        ? CompletableFuture.completedFuture(recovery)
                        : log.before(room.id(), upTo + 1, DEFAULT_PAGE).thenApply(page -> new MessageLog.Recovery(page, false)));
        return history.handle((recovery, failure) -> {
            if (failure != null) {
                if (!admission.alreadyMember() && room.leave(this)) {
                    hub.lobby().countChanged(room);
                }
                room.open(this, null);
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            EncodedFrame ack = requestId == null ? null : encode(ServerFrame.ack(requestId,
                    new Acks.Joined(room.id(), room.title(), admission.count(), admission.people(), admission.members(),
                            Frames.wire(recovery.messages()), recovery.recovered())));
            room.open(this, ack);
            return REPLIED;
        });
    }

    private Acks.Empty leave(Requests.RoomRef ref) {
        Room room = memberRoom(ref.room());
        if (room.leave(this)) {
            hub.lobby().countChanged(room);
        }
        return new Acks.Empty();
    }

    private CompletionStage<Object> createRoom(ClientFrame.Request request, Requests.CreateRoom create) {
        String title = Titles.validate(create.title());
        Integer max = create.max();
        int cap = hub.settings().maxRoomCapacity();
        if (max != null && (max < 2 || max > cap)) {
            throw ProtocolException.invalidArgument("\"max\" must be between 2 and " + cap);
        }
        String password = create.password();
        if (password != null && password.isEmpty()) {
            password = null; // an empty password field means an open room
        }
        if (password != null && password.length() > MAX_PASSWORD_CHARS) {
            throw ProtocolException.invalidArgument("the password must be at most " + MAX_PASSWORD_CHARS + " characters");
        }
        String plain = password;
        CompletionStage<String> hash = plain == null ? CompletableFuture.completedFuture(null)
                : onPasswordThread(() -> hub.passwords().hash(plain));
        return hash.thenCompose(passwordHash -> hub.lobby().create(identity, title, max, passwordHash))
                .thenCompose(room -> {
                    LOG.log(Level.INFO, "room created room={0} owner={1} locked={2}", room.id(), identity.id(),
                            room.isLocked());
                    return enter(room, request.id(), null);
                });
    }

    private CompletionStage<Acks.Empty> deleteRoom(Requests.RoomRef ref) {
        Room room = existingRoom(ref.room());
        if (!room.isOwnedBy(identity)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner can delete it");
        }
        return hub.lobby().delete(room).thenApply(v -> {
            LOG.log(Level.INFO, "room deleted room={0} by={1}", room.id(), identity.id());
            return new Acks.Empty();
        });
    }

    private CompletionStage<Acks.History> history(Requests.History request) {
        Room room = memberRoom(request.room());
        int limit = request.limit() == null ? DEFAULT_PAGE : request.limit();
        if (limit < 1 || limit > MAX_PAGE) {
            throw ProtocolException.invalidArgument("\"limit\" must be between 1 and " + MAX_PAGE);
        }
        long before = request.before() == null ? Long.MAX_VALUE : request.before();
        if (before < 1) {
            throw ProtocolException.invalidArgument("\"before\" must be a seq, at least 1");
        }
        return hub.log().before(room.id(), before, limit).thenApply(page -> new Acks.History(Frames.wire(page)));
    }

    private Object typing(Requests.RoomRef ref) {
        memberRoom(ref.room()).typing(this);
        return null;
    }

    private CompletionStage<Acks.Nick> rename(String requested) {
        String nick = Nicknames.validate(requested);
        String old = identity.nick();
        if (nick.equals(old)) {
            return CompletableFuture.completedFuture(new Acks.Nick(nick, identity.color()));
        }
        // The new name shows at once; the ack waits until the catalog has it.
        CompletionStage<Void> saved = hub.identities().rename(identity, nick);
        for (Room room : rooms) {
            room.announceRename(identity, old);
        }
        hub.lobby().ownerRenamed(identity);
        return saved.thenApply(v -> new Acks.Nick(nick, identity.color()));
    }

    private <T> CompletionStage<T> onPasswordThread(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, hub.passwordHashing());
        } catch (RejectedExecutionException e) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many password checks right now; try again shortly");
        }
    }

    /** Sends one frame to this client alone. */
    void send(ServerFrame frame) {
        outbox.send(encode(frame));
    }

    private static EncodedFrame encode(ServerFrame frame) {
        return EncodedFrame.of(Json.write(frame));
    }

    void entered(Room room) {
        rooms.add(room);
    }

    void left(Room room) {
        rooms.remove(room);
    }

    static String shorten(String s) {
        return s.length() <= MAX_ECHOED_CHARS ? s : s.substring(0, MAX_ECHOED_CHARS) + "…";
    }

    @Override
    public String toString() {
        return "Client[" + sid + "]";
    }
}
