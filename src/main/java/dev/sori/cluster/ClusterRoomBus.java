package dev.sori.cluster;

import dev.sori.chat.Message;
import dev.sori.chat.Moderation;
import dev.sori.chat.RoomBus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link RoomBus} between nodes: a committed run is delivered here at once, on the publishing
 * thread (as on one node: a post is delivered to this node's members before its ack), and
 * published to the other nodes as one frame. What the transport loses (Redis down, a node dead
 * between its commit and its publish) the hub's sweep reads from the log: every
 * {@link #SWEEP} while the link is up, every {@link #SWEEP_DEGRADED} while it is down.
 *
 * <p>Runs from here and from other nodes reach the subscriber under one lock: never two at once.
 */
public final class ClusterRoomBus implements RoomBus {
    static final Duration SWEEP = Duration.ofSeconds(1);
    static final Duration SWEEP_DEGRADED = Duration.ofMillis(250);
    /**
     * For the failure tests only (system property {@code sori.test.halt-before-publishing}): the
     * process halts between the commit of a message with this text and its publish, as a node
     * killed at the worst moment. Unset in production.
     */
    private static final String HALT_BEFORE_PUBLISHING = System.getProperty("sori.test.halt-before-publishing");

    private final ClusterNode node;
    private final Object delivering = new Object();
    private volatile Subscriber subscriber = run -> { };
    private final LongAdder published = new LongAdder();
    private final LongAdder received = new LongAdder();

    ClusterRoomBus(ClusterNode node) {
        this.node = node;
    }

    @Override
    public void subscribe(Subscriber subscriber) {
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    }

    @Override
    public void publish(List<Message> run) {
        if (HALT_BEFORE_PUBLISHING != null) {
            for (Message m : run) {
                if (m.text().equals(HALT_BEFORE_PUBLISHING)) {
                    Runtime.getRuntime().halt(137);
                }
            }
        }
        synchronized (delivering) {
            subscriber.received(run);
        }
        node.publish(ClusterFrames.MESSAGES, ClusterFrames.messages(run));
        published.add(run.size());
    }

    @Override
    public void moderate(Moderation decision) {
        synchronized (delivering) {
            subscriber.moderated(decision);
        }
        node.publish(ClusterFrames.MODERATION, ClusterFrames.moderation(decision));
    }

    /** A moderation decision another node published. */
    void moderated(Moderation decision) {
        synchronized (delivering) {
            subscriber.moderated(decision);
        }
    }

    /** A run another node published. */
    void received(List<Message> run) {
        if (run.isEmpty()) {
            return;
        }
        received.add(run.size());
        synchronized (delivering) {
            subscriber.received(run);
        }
    }

    /** The link came back, a node joined or died, another node changed the rooms: look at the log. */
    void resync() {
        subscriber.resync();
    }

    @Override
    public void roomsChanged() {
        node.publish(ClusterFrames.ROOMS_CHANGED, ClusterFrames.Body.NONE);
    }

    @Override
    public Duration sweepPeriod() {
        return node.degraded() ? SWEEP_DEGRADED : SWEEP;
    }

    /** Messages this node published to the others since it started (handed to the transport). */
    public long publishedMessages() {
        return published.sum();
    }

    /** Messages this node received from the others since it started. */
    public long receivedMessages() {
        return received.sum();
    }

    void closed() {
        subscriber = run -> { };
    }

    @Override
    public void close() {
        // the node closes the transport
    }
}
