package dev.sori.cluster;

import java.util.function.Consumer;

/**
 * Carries opaque frames between the nodes of one cluster (Redis pub/sub in production, memory in
 * tests).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every published frame reaches every connected node, the publisher included: hearing its
 *       own heartbeat is how a node knows its link works.</li>
 *   <li>At most once; one publisher's frames arrive in the order published while its link is up.
 *       Frames published while the link is down are lost, never queued: the nodes resync.</li>
 *   <li>{@link #publish} never blocks. The receiver is called by one thread at a time and must
 *       not block either.</li>
 * </ul>
 */
interface ClusterTransport extends AutoCloseable {

    /** Connects (or keeps trying in the background) and hands every received frame to {@code receiver}. */
    void start(Consumer<byte[]> receiver);

    /** Sends a frame to every node; dropped when the link is down. */
    void publish(byte[] frame);

    /** Sends a frame and waits (up to a second) until it is on its way: a goodbye before {@link #close}. */
    void publishLast(byte[] frame);

    /** Whether the link says it is up (it may still be silent: see {@link ClusterNode}). */
    boolean connected();

    /** The link looks dead though it says it is up (nothing comes back): drop it and connect again. */
    void reconnect();

    @Override
    void close();
}
