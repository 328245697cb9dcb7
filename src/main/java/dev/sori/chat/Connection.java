package dev.sori.chat;

import java.net.InetAddress;

/**
 * The transport under one client, as the chat domain sees it. Implemented over Jakarta
 * WebSocket sessions; tests implement it in memory.
 *
 * <p>Every method returns at once and never blocks on the network. {@link #send} is called
 * by one thread at a time with at most one send outstanding (the {@link Outbox} sees to it),
 * so an implementation needs no queue of its own.
 */
public interface Connection {

    /** Sends one text frame; {@code done} is called exactly once, with null on success. */
    void send(String text, SendCallback done);

    /** Sends a WebSocket ping; a pong comes back as {@link Client#touch()}. Best effort. */
    void ping();

    /** Closes the connection with a WebSocket close code. Idempotent. */
    void close(int code, String reason);

    /**
     * The peer's IP address, as the transport saw it (a proxy's, behind one), or null when the
     * transport cannot tell; per-address limits do not apply to such a connection.
     */
    default InetAddress remoteAddress() {
        return null;
    }

    @FunctionalInterface
    interface SendCallback {
        /** @param failure null when the frame was handed to the network, otherwise why not */
        void completed(Throwable failure);
    }
}
