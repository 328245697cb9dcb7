package dev.sori.chat;

import dev.sori.protocol.ServerFrame;
import dev.sori.protocol.Welcome;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The chat of one server: its connected clients, its {@link Lobby} of rooms, its identities and
 * its {@link MessageLog}, and the wiring between them: committed messages go from the log to the
 * {@link RoomBus}, and from the bus through each room's {@link Sequencer} to its members.
 * Transports call {@link #connect} and {@link #disconnect}; requests go through {@link Client}
 * to the {@link ChatService}. Housekeeping (pings, coalesced presence and lobby counts,
 * cutting slow clients loose, removing empty rooms) runs on a scheduler thread of its own, and password hashing on
 * another, never on a thread that delivers messages.
 */
public final class Hub implements AutoCloseable {
    public static final String PUBLIC_ROOM = "general";

    static final Duration LOBBY_TICK = Duration.ofMillis(250);
    /**
     * {@code room_updated} goes to every connection, so in a big hub a join storm would send
     * connections × 4 of them a second: counts are published every tick up to 999 connections,
     * then one tick more per started thousand, at most every {@value #MAX_COUNT_TICKS} ticks (2 s).
     */
    static final int CONNECTIONS_PER_COUNT_TICK = 1000;
    static final int MAX_COUNT_TICKS = 8;
    /** Identities that own no room and have not been used this long are forgotten. */
    static final Duration FORGET_IDENTITIES_AFTER = Duration.ofDays(90);

    private static final System.Logger LOG = System.getLogger(Hub.class.getName());

    private final ChatSettings settings;
    private final Welcome.ServerInfo serverInfo;
    private final LongSupplier clock;
    private final Identities identities;
    private final MessageLog log;
    private final RoomBus bus;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Lobby lobby;
    private final ScheduledExecutorService scheduler;
    private final FanOut fanOut;
    private final ExecutorService passwordHashing;
    private final Passwords passwords = new Passwords();
    private final PasswordGuard passwordGuard;
    private final ChatService chat;
    private final ChatEvents events;
    private final ConnectionCap connectionCap;
    private final AtomicBoolean unknownAddressLogged = new AtomicBoolean();
    private final long startedNanos = System.nanoTime();
    private int ticksSinceCounts; // only touched by the housekeeping thread
    private final RoomCatalog catalog;
    private volatile boolean sweepRequested;
    private long lastSweepNanos = System.nanoTime(); // only touched by the housekeeping thread
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final DeliveryRepairs repairs = new DeliveryRepairs();
    private volatile boolean closing;

    /** Messages kept in memory, per room as many as {@value #MEMORY_HISTORY}. */
    static final int MEMORY_HISTORY = 1000;

    /** A hub that keeps everything in memory. */
    public Hub(ChatSettings settings, String version) {
        this(settings, version, ChatStorage.inMemory(MEMORY_HISTORY, System::currentTimeMillis));
    }

    /** A hub on the given storage; loads its rooms (blocking: call it at start-up). */
    public Hub(ChatSettings settings, String version, ChatStorage storage) {
        this(settings, version, storage, System::currentTimeMillis);
    }

    /**
     * A hub that is one node of several: committed messages travel on {@code bus}, and rooms count
     * and announce their members through {@code presence}, both shared with the other nodes.
     */
    public Hub(ChatSettings settings, String version, ChatStorage storage, RoomBus bus, Presence presence) {
        this(settings, version, storage, System::currentTimeMillis, bus, presence, new LoggedChatEvents());
    }

    /**
     * A hub as {@link #Hub(ChatSettings, String, ChatStorage, RoomBus, Presence)}, that tells
     * {@code events} what happens (instead of only logging it: give {@link LoggedChatEvents} among
     * them, with {@link ChatEvents#all}, to keep the log).
     */
    public Hub(ChatSettings settings, String version, ChatStorage storage, RoomBus bus, Presence presence,
               ChatEvents events) {
        this(settings, version, storage, System::currentTimeMillis, bus, presence, events);
    }

    Hub(ChatSettings settings, String version, LongSupplier clock) {
        this(settings, version, ChatStorage.inMemory(MEMORY_HISTORY, clock), clock);
    }

    Hub(ChatSettings settings, String version, ChatStorage storage, LongSupplier clock) {
        this(settings, version, storage, clock, new LocalRoomBus(), new LocalPresence(), new LoggedChatEvents());
    }

    /**
     * A hub on the given storage, bus and presence: committed messages go from the log to the
     * bus, and from the bus through each room's {@link Sequencer} to its members.
     */
    Hub(ChatSettings settings, String version, ChatStorage storage, LongSupplier clock, RoomBus bus,
        Presence presence, ChatEvents events) {
        this.settings = settings;
        this.events = events;
        this.serverInfo = new Welcome.ServerInfo("sori", version, Welcome.ServerInfo.PROTOCOL,
                Welcome.ServerInfo.FEATURES);
        this.clock = clock;
        this.log = storage.messages();
        this.bus = bus;
        this.identities = new Identities(settings.maxIdentities(), storage.identities());
        Collection<Client> everyone = clients.values();
        this.fanOut = FanOut.perCore();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("sori-housekeeping"));
        this.catalog = storage.rooms();
        this.lobby = new Lobby(settings, clock, storage, () -> everyone, fanOut, events, presence,
                Sequencer.GapFiller.of(log, scheduler, repairs), bus::roomsChanged, bus.sweepPeriod() != null);
        bus.subscribe(new RoomBus.Subscriber() {
            @Override
            public void received(List<Message> run) {
                Hub.this.received(run);
            }

            @Override
            public void resync() {
                sweepRequested = true;
            }

            @Override
            public void moderated(Moderation decision) {
                Hub.this.moderated(decision);
            }
        });
        presence.listen(new ElsewhereToRooms());
        log.onStored(bus::publish);
        log.observe(events);
        this.passwordGuard = new PasswordGuard(settings.passwordAttempts(), System::nanoTime);
        this.connectionCap = new ConnectionCap(settings.maxConnectionsPerAddress());
        // One thread, a short queue: PBKDF2 is slow on purpose, and a flood of attempts must be
        // refused rather than queued (see Client#join).
        this.passwordHashing = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(32),
                daemon("sori-passwords"));
        this.chat = new ChatService(settings, lobby, log, identities, passwords, passwordHashing, passwordGuard, events,
                storage.media(), catalog, bus);
        long period = settings.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> identities.forgetUnused(FORGET_IDENTITIES_AFTER, clock.getAsLong()),
                1, 24 * 60, TimeUnit.MINUTES);
        scheduler.scheduleAtFixedRate(passwordGuard::sweep, 1, 1, TimeUnit.MINUTES);
        scheduler.scheduleAtFixedRate(this::tidyLobby, LOBBY_TICK.toMillis(), LOBBY_TICK.toMillis(),
                TimeUnit.MILLISECONDS);
        long sendCheck = sendCheckPeriod(settings.sendTimeout()).toMillis();
        scheduler.scheduleAtFixedRate(this::checkSendTimeouts, sendCheck, sendCheck, TimeUnit.MILLISECONDS);
    }

    /** A tenth of the timeout, between 50 ms and 1 s: a stalled send is noticed at most 10 % late, for one scan a second. */
    static Duration sendCheckPeriod(Duration sendTimeout) {
        long millis = Math.max(50, Math.min(1000, sendTimeout.toMillis() / 10));
        return Duration.ofMillis(millis);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public ChatSettings settings() {
        return settings;
    }

    ChatEvents events() {
        return events;
    }

    /** The chat's use cases, for any actor. */
    public ChatService chat() {
        return chat;
    }

    Lobby lobby() {
        return lobby;
    }

    /**
     * Admits a new connection: resumes or creates its identity from {@code token}, then sends it
     * {@code welcome} and puts it into the public room. Resuming may need the identity catalog;
     * frames the client sends meanwhile wait (see {@link Client#handle}). Returns null, having
     * closed the connection, when shutting down (1001) or when its address already has
     * {@link ChatSettings#maxConnectionsPerAddress} connections open (1013): refused before
     * {@code welcome}, so that a refused connection costs no identity.
     */
    public Client connect(Connection connection, String token) {
        if (closing) {
            connection.close(CloseCodes.GOING_AWAY, "server shutting down");
            return null;
        }
        String address = addressKey(connection);
        if (!connectionCap.tryOpen(address)) {
            events.refusedOverCap(address, connectionCap.count(address));
            connection.close(CloseCodes.TRY_AGAIN_LATER, "too many connections from your address");
            return null;
        }
        Client client = new Client(this, UUID.randomUUID().toString(), connection, settings, address);
        clients.put(client.sid(), client);
        identities.resume(token).thenAccept(identity -> client.start(identity, () -> welcome(client, identity, token)));
        return client;
    }

    private void welcome(Client client, Identity identity, String token) {
        // In general before welcome goes out: a client that has its welcome is a member, so a
        // message posted after it reaches it. Admission gates it, so nothing the room says
        // overtakes welcome; open releases what waited.
        Room general = lobby.general();
        boolean inGeneral = !general.isBanned(identity.uid()); // a banned identity starts in no room
        if (inGeneral) {
            general.admit(client, false); // no ack, so no member list
        }
        client.send(ServerFrame.event("welcome", new Welcome(client.sid(), identity.uid(), identity.token(), identity.nick(),
                identity.color(), inGeneral ? PUBLIC_ROOM : null, serverInfo,
                new Welcome.Limits(settings.maxMessageChars(), Nicknames.MAX_CHARS, settings.maxUploadBytes()))));
        client.welcomed();
        if (inGeneral) {
            general.open(client, null);
            lobby.countChanged(general);
        }
        events.connected(client.sid(), identity.id(), identity.token().equals(token), clients.size());
    }

    /** Forgets a closed connection and announces its departure from each of its rooms. */
    public void disconnect(Client client, int closeCode) {
        if (client == null || clients.remove(client.sid()) == null) {
            return;
        }
        client.stop();
        connectionCap.closed(client.address());
        for (Room room : client.rooms()) {
            if (room.leave(client)) {
                lobby.countChanged(room);
            }
        }
        events.disconnected(client.sid(), closeCode, clients.size());
    }

    /** The key per-address limits count {@code connection} by, or null when its address is unknown. */
    private String addressKey(Connection connection) {
        String key = AddressKey.of(connection.remoteAddress());
        if (key == null && (connectionCap.max() > 0 || settings.passwordAttempts() > 0)
                && unknownAddressLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "the transport does not tell the peer''s address ({0}): per-address limits do not apply",
                    connection.getClass().getName());
        }
        return key;
    }

    /** The identity a token names, for a request that comes with one (an upload); never makes one. */
    public CompletionStage<Optional<Identity>> identity(String token) {
        return identities.find(token);
    }

    /** What the rooms' sequencers repaired since start (held early messages, log reads, skips). */
    public DeliveryRepairs repairs() {
        return repairs;
    }

    public int connectionCount() {
        return clients.size();
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Called by an outbox past its cap, on whatever thread was queuing to it. */
    void cutLoose(Client client, int frames, long bytes) {
        events.slowConsumer(client.sid(), frames, bytes);
        closeLater(client, CloseCodes.TRY_AGAIN_LATER, "too slow: outgoing queue full");
    }

    /**
     * Called by an outbox whose send failed: the transport is broken, and the container reports
     * the close by itself (@OnClose), which is what removes the client. Closing it from here as
     * well raced with that report in the container's own close handling and could lose it, so
     * the failure is only logged.
     */
    void sendFailed(Client client, Throwable failure) {
        LOG.log(Level.DEBUG, "send failed sid={0}: {1}", client.sid(), failure.toString());
    }

    private void closeLater(Client client, int code, String reason) {
        // Closing re-enters the hub (disconnect, leave announcements); never from inside a room's lock.
        try {
            scheduler.execute(() -> client.connection().close(code, reason));
        } catch (RejectedExecutionException e) {
            // shutting down: every connection is being closed anyway
        }
    }

    private void checkHeartbeats() {
        long now = System.nanoTime();
        long pingAfter = settings.pingInterval().toNanos();
        long closeAfter = settings.pingTimeout().toNanos();
        for (Client client : clients.values()) {
            long silent = now - client.lastHeardNanos();
            if (silent >= closeAfter) {
                events.pingTimedOut(client.sid());
                client.connection().close(CloseCodes.GOING_AWAY, "ping timeout");
            } else if (silent >= pingAfter) {
                client.connection().ping();
            }
        }
    }

    /**
     * Cuts loose every client whose send has been in flight longer than --send-timeout: its peer
     * stopped reading and the kernel's buffers towards it are full. One scan of all clients per
     * period, instead of a timer per send; the outbox only notes when its send started.
     */
    private void checkSendTimeouts() {
        long now = System.nanoTime();
        long timeout = settings.sendTimeout().toNanos();
        for (Client client : clients.values()) {
            Outbox outbox = client.outbox();
            long stalled = outbox.sendStalledNanos(now);
            // (close() swallows its own failures, so one client cannot end the schedule)
            if (stalled >= timeout && outbox.giveUp()) {
                events.sendTimedOut(client.sid(), TimeUnit.NANOSECONDS.toMillis(stalled), outbox.pendingFrames(),
                        outbox.pendingBytes());
                client.connection().close(CloseCodes.TRY_AGAIN_LATER, "too slow: send timed out");
            }
        }
    }

    /** How many lobby ticks apart counts are published with this many connections. */
    static int ticksPerCountUpdate(int connections) {
        return Math.min(MAX_COUNT_TICKS, 1 + connections / CONNECTIONS_PER_COUNT_TICK);
    }

    private void tidyLobby() {
        try {
            lobby.flushPresence();
            if (++ticksSinceCounts >= ticksPerCountUpdate(clients.size())) {
                ticksSinceCounts = 0;
                lobby.publishCounts();
            }
            lobby.sweepEmptyRooms();
            sweepIfDue();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "lobby housekeeping failed", e); // keep the schedule alive
        }
    }

    /**
     * With a bus that may lose runs: reads every room's last seq (and the rooms other nodes
     * created or deleted) from the catalog, one read at a time, off this thread, and brings the
     * lobby and the sequencers in line (see {@link Lobby#sync}).
     */
    private void sweepIfDue() {
        Duration period = bus.sweepPeriod();
        long now = System.nanoTime();
        if (period == null || !(sweepRequested || now - lastSweepNanos >= period.toNanos())
                || !sweeping.compareAndSet(false, true)) {
            return;
        }
        sweepRequested = false;
        lastSweepNanos = now;
        catalog.refresh().thenCombine(catalog.refreshBans(), java.util.Map::entry).whenComplete((read, failure) -> {
            try {
                if (failure == null) {
                    lobby.sync(read.getKey(), now);
                    lobby.bansAre(read.getValue());
                } else {
                    LOG.log(Level.WARNING, "could not read the rooms to repair delivery ({0}); trying again",
                            failure.getClass().getSimpleName());
                }
            } finally {
                sweeping.set(false);
            }
        });
    }

    /** A moderator's decision (made here or on another node), applied to this node's members. */
    private void moderated(Moderation decision) {
        Room room = lobby.find(decision.room());
        if (room == null) {
            return;
        }
        switch (decision.kind()) {
            case KICK, BAN -> {
                if (room.removeIdentity(decision.uid(), decision.kind() == Moderation.Kind.BAN, decision.byNick()) > 0) {
                    lobby.countChanged(room);
                }
            }
            case UNBAN -> room.banned(decision.uid(), false);
            case DELETE -> room.messageDeleted(decision.seq());
        }
    }

    /** What members on other nodes do, to the rooms here. */
    private final class ElsewhereToRooms implements Presence.Listener {
        @Override
        public void joined(String roomId, Presence.Member who, Presence.Headcount after) {
            Room room = lobby.find(roomId);
            if (room != null) {
                room.joinedElsewhere(who, after);
                lobby.countChanged(room);
            }
        }

        @Override
        public void left(String roomId, Presence.Member who, Presence.Headcount after) {
            removed(roomId, who, after, null);
        }

        @Override
        public void removed(String roomId, Presence.Member who, Presence.Headcount after, String kind) {
            Room room = lobby.find(roomId);
            if (room != null) {
                room.leftElsewhere(who, after, kind);
                lobby.countChanged(room);
            }
        }

        @Override
        public void renamed(String roomId, Presence.Member who, String oldNick) {
            Room room = lobby.find(roomId);
            if (room != null) {
                room.renamedElsewhere(who, oldNick);
            }
        }

        @Override
        public void typing(String roomId, Presence.Member who) {
            Room room = lobby.find(roomId);
            if (room != null) {
                room.typingElsewhere(who);
            }
        }
    }

    /** Closes every connection with 1001 (going away), stops housekeeping and closes the log. */
    @Override
    public void close() {
        closing = true;
        List<Client> all = List.copyOf(clients.values());
        for (Client client : all) {
            client.connection().close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        scheduler.shutdownNow();
        passwordHashing.shutdownNow();
        log.close();
        bus.close();
        fanOut.close();
        events.closed(all.size());
    }

    /** A run from the bus to its rooms' sequencers: each room gets its part of the run at once. */
    private void received(List<Message> run) {
        String first = run.get(0).room();
        boolean oneRoom = true;
        for (int i = 1, n = run.size(); i < n && oneRoom; i++) {
            oneRoom = run.get(i).room().equals(first);
        }
        if (oneRoom) {
            toSequencer(first, run);
            return;
        }
        Map<String, List<Message>> byRoom = new LinkedHashMap<>();
        for (Message message : run) {
            byRoom.computeIfAbsent(message.room(), r -> new ArrayList<>()).add(message);
        }
        byRoom.forEach(this::toSequencer);
    }

    private void toSequencer(String roomId, List<Message> messages) {
        Room room = lobby.find(roomId);
        if (room != null) { // a room deleted meanwhile has nobody to tell
            room.sequencer().offer(messages);
        }
    }
}
