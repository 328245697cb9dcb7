package dev.sori.chat;

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
 * </ul>
 */
public interface RoomBus extends AutoCloseable {

    /** Receives what the bus carries (see the contract above). */
    @FunctionalInterface
    interface Subscriber {
        void received(List<Message> run);
    }

    /** Sets where received runs go; called once, before the first {@link #publish}. */
    void subscribe(Subscriber subscriber);

    /** Sends a run of committed messages to every node's subscriber, this one's included. */
    void publish(List<Message> run);

    @Override
    void close();
}
