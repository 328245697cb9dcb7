package dev.sori.chat;

import dev.sori.protocol.ServerFrame;
import dev.sori.protocol.Welcome;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The chat of one server: its connected clients, its rooms and its identities. Transports call
 * {@link #connect} and {@link #disconnect}; everything else happens through {@link Client}.
 * Housekeeping (pings, cutting slow clients loose) runs on one scheduler thread of its own,
 * never on a thread that delivers messages.
 */
public final class Hub implements AutoCloseable {
    public static final String PUBLIC_ROOM = "general";

    private static final System.Logger LOG = System.getLogger(Hub.class.getName());

    private final ChatSettings settings;
    private final Welcome.ServerInfo serverInfo;
    private final LongSupplier clock;
    private final Identities identities;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final long startedNanos = System.nanoTime();
    private volatile boolean closing;

    public Hub(ChatSettings settings, String version) {
        this(settings, version, System::currentTimeMillis);
    }

    Hub(ChatSettings settings, String version, LongSupplier clock) {
        this.settings = settings;
        this.serverInfo = new Welcome.ServerInfo("sori", version);
        this.clock = clock;
        this.identities = new Identities(settings.maxIdentities());
        this.rooms.put(PUBLIC_ROOM, new Room(PUBLIC_ROOM, clock));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sori-housekeeping");
            t.setDaemon(true);
            return t;
        });
        long period = settings.pingInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::checkHeartbeats, period, period, TimeUnit.MILLISECONDS);
    }

    public ChatSettings settings() {
        return settings;
    }

    /**
     * Admits a new connection: resumes or creates its identity from {@code token}, sends it
     * {@code welcome} and puts it into the public room.
     */
    public Client connect(Connection connection, String token) {
        if (closing) {
            connection.close(CloseCodes.GOING_AWAY, "server shutting down");
            return null;
        }
        Identity identity = identities.resume(token);
        String sid = UUID.randomUUID().toString();
        Client client = new Client(this, sid, identity, connection, settings);
        clients.put(sid, client);
        client.send(ServerFrame.event("welcome", new Welcome(sid, identity.token(), identity.nick(),
                identity.color(), PUBLIC_ROOM, serverInfo,
                new Welcome.Limits(settings.maxMessageChars(), Nicknames.MAX_CHARS))));
        rooms.get(PUBLIC_ROOM).join(client);
        LOG.log(Level.INFO, "connect sid={0} identity={1} resumed={2} connections={3}",
                sid, identity.id(), token != null && token.equals(identity.token()), clients.size());
        return client;
    }

    /** Forgets a closed connection and announces its departure from each of its rooms. */
    public void disconnect(Client client, int closeCode) {
        if (client == null || clients.remove(client.sid()) == null) {
            return;
        }
        for (Room room : client.rooms()) {
            room.leave(client);
        }
        LOG.log(Level.INFO, "disconnect sid={0} code={1} connections={2}", client.sid(), closeCode, clients.size());
    }

    Room room(String name) {
        return rooms.get(name);
    }

    public int connectionCount() {
        return clients.size();
    }

    public Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Called by an outbox past its cap, on whatever thread was queuing to it. */
    void cutLoose(Client client, int frames, long bytes) {
        LOG.log(Level.WARNING, "slow client sid={0} pendingFrames={1} pendingBytes={2}: closing with 1013",
                client.sid(), frames, bytes);
        // Closing re-enters the hub (disconnect, leave announcements); never from inside a room's lock.
        closeLater(client, CloseCodes.TRY_AGAIN_LATER, "too slow: outgoing queue full");
    }

    private void closeLater(Client client, int code, String reason) {
        try {
            scheduler.execute(() -> client.connection().close(code, reason));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            client.connection().close(code, reason); // shutting down; nobody holds a room lock now
        }
    }

    private void checkHeartbeats() {
        long now = System.nanoTime();
        long pingAfter = settings.pingInterval().toNanos();
        long closeAfter = settings.pingTimeout().toNanos();
        for (Client client : clients.values()) {
            long silent = now - client.lastHeardNanos();
            if (silent >= closeAfter) {
                LOG.log(Level.INFO, "ping timeout sid={0}", client.sid());
                client.connection().close(CloseCodes.GOING_AWAY, "ping timeout");
            } else if (silent >= pingAfter) {
                client.connection().ping();
            }
        }
    }

    /** Closes every connection with 1001 (going away) and stops housekeeping. */
    @Override
    public void close() {
        closing = true;
        List<Client> all = List.copyOf(clients.values());
        for (Client client : all) {
            client.connection().close(CloseCodes.GOING_AWAY, "server shutting down");
        }
        scheduler.shutdownNow();
        LOG.log(Level.INFO, "closed {0} connections", all.size());
    }
}
