package dev.sori.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process as one node of a cluster: it gives the chat a {@link ClusterRoomBus} and a
 * {@link ClusterPresence} on one {@link ClusterTransport}, and keeps track of which nodes are
 * alive.
 *
 * <p>Every node publishes a heartbeat every second. A node not heard for {@link #DEAD_AFTER} is
 * dead: its members leave everywhere and every node sweeps the log for what it may have
 * committed without publishing. A node that does not hear its <em>own</em> heartbeat for
 * {@link #DEGRADED_AFTER} knows its link is broken even if the socket looks fine (centrifugo#1189):
 * it reports {@code degraded}, reconnects, sweeps more often, and declares nobody dead meanwhile
 * (it would be its own silence, not theirs). A node that stops says goodbye, and is gone at once.
 */
public final class ClusterNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterNode.class.getName());
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration DEGRADED_AFTER = Duration.ofSeconds(3);
    static final Duration DEAD_AFTER = Duration.ofSeconds(5);
    private static final long CHECK_MILLIS = 250;
    /** The longest a starting node waits for the others' members before it serves. */
    static final Duration LEARNING = Duration.ofSeconds(3);

    private final ClusterSettings settings;
    private final long incarnation = new SecureRandom().nextLong();
    private final ClusterTransport transport;
    private final ClusterRoomBus bus;
    private final ClusterPresence presence;
    private final ScheduledExecutorService timer;
    /** The other nodes heard, with when (nanoTime) they were last heard. */
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
    private volatile long startedNanos = System.nanoTime();
    private volatile long lastEchoNanos;
    private volatile boolean degraded;
    private long lastReconnectNanos; // only touched by the timer thread
    private long lastCheckNanos; // only touched by the timer thread
    /** Time spent degraded, summed by the checks (written by the timer thread only). */
    private volatile long degradedNanos;

    /** A node on Redis, connecting in the background; call {@link #start()} once the hub listens. */
    public static ClusterNode onRedis(ClusterSettings settings) {
        return new ClusterNode(settings, new RedisTransport(settings));
    }

    ClusterNode(ClusterSettings settings, ClusterTransport transport) {
        this.settings = settings;
        this.transport = transport;
        this.bus = new ClusterRoomBus(this);
        this.presence = new ClusterPresence(this);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sori-cluster");
            t.setDaemon(true);
            return t;
        });
    }

    public ClusterRoomBus bus() {
        return bus;
    }

    public ClusterPresence presence() {
        return presence;
    }

    public String id() {
        return settings.nodeId();
    }

    long incarnation() {
        return incarnation;
    }

    /**
     * Connects, starts the heartbeat, and learns the cluster before returning: every node is asked
     * for its members at once, and this waits (up to {@link #LEARNING}) until every node heard so
     * far has answered, and at least one heartbeat period has passed (so that every live node has
     * been heard). A node that serves before that would answer its first joins with the counts and
     * member lists of part of the cluster. The hub must be subscribed to the bus and presence.
     */
    public void start() {
        transport.start(this::received);
        startedNanos = System.nanoTime(); // the silence clock starts once the transport had its chance
        long beat = HEARTBEAT.toMillis();
        timer.scheduleAtFixedRate(this::beat, 0, beat, TimeUnit.MILLISECONDS);
        timer.scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        presence.askEveryone();
        learnTheCluster();
        LOG.log(Level.INFO, "cluster {0}: node {1} started; {2} nodes", settings.clusterName(), settings.nodeId(),
                lastHeard.size() + 1);
    }

    private void learnTheCluster() {
        if (!transport.connected()) {
            return; // degraded from the start: it learns once Redis is there
        }
        long from = System.nanoTime();
        long enough = from + HEARTBEAT.toNanos() + TimeUnit.MILLISECONDS.toNanos(250);
        long limit = from + LEARNING.toNanos();
        try {
            while (System.nanoTime() < limit && (System.nanoTime() < enough || !presence.knowsEveryone())) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void publish(byte kind, ClusterFrames.Body body) {
        transport.publish(ClusterFrames.write(kind, settings.nodeId(), incarnation, body));
    }

    private void beat() {
        try {
            publish(ClusterFrames.HEARTBEAT, ClusterFrames.heartbeat(presence.lastEvent()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cluster heartbeat failed: {0}", e.toString());
        }
    }

    /** Notices a silent link (ours) and dead nodes (theirs). */
    private void check() {
        try {
            long now = System.nanoTime();
            if (lastCheckNanos != 0 && degraded()) {
                degradedNanos += now - lastCheckNanos;
            }
            lastCheckNanos = now;
            long echo = lastEchoNanos;
            boolean silent = silent(now);
            if (silent && !degraded) {
                degraded = true;
                LOG.log(Level.WARNING, echo == 0
                                ? "cluster {0}: node {1} has not reached Redis yet: degraded (serving; delivery between nodes by sweep)"
                                : "cluster {0}: node {1} does not hear its own heartbeat: degraded (serving; delivery between nodes by sweep)",
                        settings.clusterName(), settings.nodeId());
            }
            if (silent && now - lastReconnectNanos > DEGRADED_AFTER.toNanos()) {
                lastReconnectNanos = now;
                // Only a link that says it is up but carries nothing (a blackholed network): one
                // that knows it is down reconnects by itself, and before the first echo the
                // transport is still connecting.
                if (echo != 0 && transport.connected()) {
                    transport.reconnect();
                }
            }
            if (!degraded) {
                for (Map.Entry<String, Long> node : lastHeard.entrySet()) {
                    if (now - node.getValue() > DEAD_AFTER.toNanos() && lastHeard.remove(node.getKey(), node.getValue())) {
                        LOG.log(Level.WARNING, "cluster {0}: node {1} silent for {2} s: gone",
                                settings.clusterName(), node.getKey(), DEAD_AFTER.toSeconds());
                        gone(node.getKey());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cluster check failed", e);
        }
    }

    private void gone(String node) {
        presence.nodeGone(node);
        bus.resync(); // what it committed and did not publish is in the log
    }

    /** On the transport's receiving thread, one frame at a time. */
    private void received(byte[] frame) {
        try {
            DataInputStream in = ClusterFrames.reader(frame);
            ClusterFrames.Header header = ClusterFrames.header(in);
            if (header.origin().equals(settings.nodeId())) {
                if (header.incarnation() == incarnation && header.kind() == ClusterFrames.HEARTBEAT) {
                    echoed();
                }
                return; // what this node did, it has done already
            }
            if (header.kind() == ClusterFrames.GOODBYE) {
                if (lastHeard.remove(header.origin()) != null) {
                    LOG.log(Level.INFO, "cluster {0}: node {1} said goodbye", settings.clusterName(), header.origin());
                }
                gone(header.origin());
                return;
            }
            if (lastHeard.put(header.origin(), System.nanoTime()) == null) {
                LOG.log(Level.INFO, "cluster {0}: node {1} joined", settings.clusterName(), header.origin());
                bus.resync();
            }
            switch (header.kind()) {
                case ClusterFrames.HEARTBEAT -> presence.heartbeat(header, in.readLong());
                case ClusterFrames.MESSAGES -> bus.received(ClusterFrames.readMessages(in));
                case ClusterFrames.ROOMS_CHANGED -> bus.resync();
                case ClusterFrames.MODERATION -> bus.moderated(ClusterFrames.readModeration(in));
                case ClusterFrames.PRESENCE -> presence.event(header, ClusterFrames.readPresence(in));
                case ClusterFrames.TYPING -> {
                    ClusterFrames.Typing typing = ClusterFrames.readTyping(in);
                    presence.typingElsewhere(typing.room(), typing.who());
                }
                case ClusterFrames.SNAPSHOT_REQUEST -> {
                    String target = in.readUTF();
                    if (target.isEmpty() || target.equals(settings.nodeId())) {
                        presence.sendSnapshot();
                    }
                }
                case ClusterFrames.SNAPSHOT -> presence.snapshot(header, in.readLong(),
                        ClusterFrames.readSnapshotEntries(in));
                default -> LOG.log(Level.DEBUG, "cluster: unknown frame kind {0}", header.kind());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cluster: a frame could not be read ({0})", e.toString());
        }
    }

    private void echoed() {
        lastEchoNanos = System.nanoTime();
        if (degraded) {
            // The others were not silent, this node was deaf: their clocks start again now, or the
            // next check would declare dead every node whose heartbeat has not come through yet.
            long now = System.nanoTime();
            lastHeard.replaceAll((node, heard) -> now);
            degraded = false;
            LOG.log(Level.INFO, "cluster {0}: node {1} hears itself again", settings.clusterName(), settings.nodeId());
            // What was lost meanwhile: messages come from the log, members from snapshots.
            bus.resync();
            presence.askEveryone();
        }
    }

    /**
     * Whether this node has not heard its own heartbeat for {@link #DEGRADED_AFTER} (since it
     * started, before the first): read from the clock, so that {@code /healthz} says so the
     * moment it is true, not at the next check.
     */
    private boolean silent(long now) {
        long echo = lastEchoNanos;
        return now - (echo == 0 ? startedNanos : echo) > DEGRADED_AFTER.toNanos();
    }

    /** Whether the link is down or silent: delivery between nodes then relies on the sweep. */
    boolean degraded() {
        return degraded || !transport.connected() || silent(System.nanoTime());
    }

    /** Whether this node is the one that does cluster-wide chores: the live node with the smallest id. */
    boolean leads() {
        if (degraded()) {
            return false;
        }
        for (String other : lastHeard.keySet()) {
            if (other.compareTo(settings.nodeId()) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Seconds this node has been degraded since it started (to the last check, 250 ms), for the metrics. */
    public double degradedSeconds() {
        return degradedNanos / 1e9;
    }

    /** Whether the link is down or silent now (1 in the metrics). */
    public boolean isDegraded() {
        return degraded();
    }

    /** The nodes it hears, itself included. */
    public int nodes() {
        return lastHeard.size() + 1;
    }

    public ClusterStatus status() {
        long echo = lastEchoNanos;
        Long ago = echo == 0 ? null : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - echo);
        return new ClusterStatus(settings.nodeId(), lastHeard.size() + 1,
                degraded() || echo == 0 ? ClusterStatus.DEGRADED : ClusterStatus.OK, ago, null);
    }

    /** Says goodbye (the others drop this node's members at once), then disconnects. */
    @Override
    public void close() {
        timer.shutdownNow();
        transport.publishLast(ClusterFrames.write(ClusterFrames.GOODBYE, settings.nodeId(), incarnation,
                ClusterFrames.Body.NONE));
        transport.close();
        bus.closed();
        LOG.log(Level.INFO, "cluster {0}: node {1} left", settings.clusterName(), settings.nodeId());
    }
}
