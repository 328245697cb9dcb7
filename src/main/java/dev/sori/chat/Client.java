package dev.sori.chat;

import dev.sori.protocol.ClientFrame;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * One connection's session: who it is, which rooms it is in, its outbox, the frames that came
 * before {@code welcome}, its request rate, and how a failed request is answered. What a request
 * does is its handler's business ({@link RequestHandlers}), and the use case's
 * ({@link ChatService}); a handler answers through {@link #ack}. It knows the protocol but not
 * the transport under it.
 */
public final class Client implements Actor {
    private static final int MAX_ECHOED_CHARS = 32;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

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

    @Override
    public Identity identity() {
        return identity;
    }

    @Override
    public String connectionId() {
        return sid;
    }

    Connection connection() {
        return connection;
    }

    /** The key per-address limits count this client by ({@link AddressKey}), or null when unknown. */
    @Override
    public String address() {
        return address;
    }

    Outbox outbox() {
        return outbox;
    }

    /** The rooms this client is in, in no particular order. */
    public Set<Room> rooms() {
        return Set.copyOf(rooms);
    }

    /** Whether this client is in {@code room}. */
    boolean isIn(Room room) {
        return rooms.contains(room);
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
                    hub.events().floodedBeforeWelcome(sid, MAX_EARLY_FRAMES);
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
            hub.events().refused(sid, null, malformed.code());
            send(ServerFrame.error(malformed.id(), malformed.code(), malformed.message()));
            return;
        }
        ClientFrame.Request request = (ClientFrame.Request) frame;
        CompletionStage<Void> handled;
        try {
            handled = RequestHandlers.of(request.type()).handle(hub.chat(), this, request);
        } catch (RuntimeException e) {
            fail(request, e); // a refusal, storage trouble, or a bug: see fail
            return;
        }
        handled.whenComplete((v, failure) -> {
            if (failure != null) {
                fail(request, failure);
            }
        });
    }

    /** Answers {@code request} with an {@code ack} carrying {@code payload} (none without an id). */
    CompletionStage<Void> ack(ClientFrame.Request request, Object payload) {
        if (request.id() != null) {
            send(ServerFrame.ack(request.id(), payload));
        }
        return DONE;
    }

    /** The {@code ack} of {@code request} as a frame, for a handler that queues it itself; null without an id. */
    EncodedFrame ackFrame(ClientFrame.Request request, Object payload) {
        return request.id() == null ? null : encode(ServerFrame.ack(request.id(), payload));
    }

    /** Applies the request rate limit ({@link RequestRate}); false when the frame must not run. */
    private boolean withinRate(ClientFrame frame) {
        switch (rate.admit(System.nanoTime())) {
            case ACCEPT:
                return true;
            case REFUSE:
                if (!rateLogged) { // one line per connection: a flood must not flood the log too
                    rateLogged = true;
                    hub.events().rateLimited(sid, hub.settings().rateLimit(), hub.settings().rateBurst());
                }
                hub.events().refused(sid, frame instanceof ClientFrame.Request r ? shorten(r.type()) : null,
                        ErrorCode.RATE_LIMITED);
                send(ServerFrame.error(frame.id(), ErrorCode.RATE_LIMITED, "too many requests: at most "
                        + hub.settings().rateLimit() + " a second; slow down"));
                return false;
            default:
                if (!flooded) {
                    flooded = true;
                    hub.events().flooded(sid, RequestRate.CLOSE_FACTOR);
                    connection.close(CloseCodes.POLICY_VIOLATION, "flooding: far past the rate limit");
                }
                return false;
        }
    }

    /**
     * Answers a failed request: the protocol layer's choice of error code. A refusal
     * ({@link ProtocolException}), a room that went away ({@link RoomNotFoundException}) or
     * storage trouble ({@link UnavailableException}) is an {@code error} and the connection lives
     * on. Anything else is a bug met while handling this connection: it is logged (one line and
     * the stack, no message text: {@link RedactedFailure}), the request gets {@code internal}, and
     * this connection alone is closed with 1011, since its state can no longer be trusted.
     */
    private void fail(ClientFrame.Request request, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ProtocolException p) {
            refuse(request, p.code(), p.getMessage());
        } else if (cause instanceof RoomNotFoundException) {
            refuse(request, ErrorCode.NOT_FOUND, "no such room");
        } else if (cause instanceof UnavailableException) {
            refuse(request, ErrorCode.UNAVAILABLE, "storage is unavailable; try again shortly");
        } else {
            hub.events().failed(sid, shorten(request.type()), RedactedFailure.of(cause));
            send(ServerFrame.error(request.id(), ErrorCode.INTERNAL, "internal error"));
            connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void refuse(ClientFrame.Request request, ErrorCode code, String message) {
        hub.events().refused(sid, shorten(request.type()), code);
        send(ServerFrame.error(request.id(), code, message));
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
