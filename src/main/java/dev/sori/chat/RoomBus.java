package dev.sori.chat;

import java.time.Duration;
import java.util.List;

/**
 * Carries committed messages to the rooms that deliver them: the one road from the message log
 * to {@link Room#deliver}, whatever the number of nodes (Centrifuge's {@code Broker}, Socket.IO's
 * {@code Adapter}). Every implementation runs {@code RoomBusContract}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #publish} is called with runs of committed messages (never empty, possibly of
 *       several rooms, each room's in {@code seq} order), in commit order, by one thread at a
 *       time. It must not block: it runs where commits are handed out.</li>
 *   <li>The subscriber is called by one thread at a time, and must not block either.</li>
 *   <li>Delivery is <em>at most once</em> and ordered per room as published, as far as the
 *       transport allows; a bus between nodes may lose, repeat or reorder runs (a reconnect, a
 *       dropped subscriber). The {@link Sequencer} in front of every room repairs that: it drops
 *       what was delivered, holds what is early and fills gaps from the log. A bus therefore
 *       never needs to store anything.</li>
 *   <li>The local bus ({@link LocalRoomBus}) calls the subscriber on the publishing thread,
 *       exactly once and in order, before {@code publish} returns: a post is delivered before
 *       its author's ack, at the same cost as a direct call.</li>
 *   <li>A bus that may lose runs says how often the hub must repair that ({@link #sweepPeriod}):
 *       the hub then compares every room's last {@code seq} in the log with what it delivered
 *       (Centrifuge's position check), and at once when the bus calls
 *       {@link Subscriber#resync}. Rooms created or deleted on another node are found the same
 *       way; {@link #roomsChanged} makes the other nodes look at once.</li>
 * </ul>
 */
public interface RoomBus extends AutoCloseable {

    /** Receives what the bus carries (see the contract above). */
    @FunctionalInterface
    interface Subscriber {
        void received(List<Message> run);

        /**
         * The bus may have lost runs (it reconnected, a node died) or another node changed the
         * rooms: compare with the log now. Must not block.
         */
        default void resync() {
        }

        /**
         * A moderator's decision, stored before it was sent: act on this node's members. At most
         * once, like runs; what it changed is in the store (a lost deletion shows in history, a
         * lost ban is read again by the hub's sweep). Must not block.
         */
        default void moderated(Moderation decision) {
        }
    }

    /** Sets where received runs go; called once, before the first {@link #publish}. */
    void subscribe(Subscriber subscriber);

    /** Sends a run of committed messages to every node's subscriber, this one's included. */
    void publish(List<Message> run);

    /** Sends a stored moderation decision to every node's subscriber, this one's included. */
    void moderate(Moderation decision);

    /** Rooms were created or deleted here: tells the other nodes to look (none on one node). */
    default void roomsChanged() {
    }

    /**
     * How often the hub is to compare each room's last seq in the log with what it delivered, to
     * repair what this bus lost; null for a bus that loses nothing. May change (more often while
     * the bus is down).
     */
    default Duration sweepPeriod() {
        return null;
    }

    @Override
    void close();
}
