package dev.sori.chat;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * The transport under one client, as the chat domain sees it. Implemented over Jakarta
 * WebSocket sessions; tests implement it in memory.
 *
 * <p>Every method returns at once and never blocks on the network. {@link #send} and
 * {@link #sendFrames} are called by one thread at a time with at most one send outstanding (the
 * {@link Outbox} sees to it), so an implementation needs no queue of its own.
 */
public interface Connection {

    /** Sends one text frame; {@code done} is called exactly once, with null on success. */
    void send(String text, SendCallback done);

    /**
     * Whether this transport can write complete WebSocket frames as bytes ({@link #sendFrames}).
     * Then the outbox sends each broadcast's pre-built frame ({@link EncodedFrame#wire}) without
     * encoding or framing it again, and sends everything queued for the client in one write.
     */
    default boolean writesFrames() {
        return false;
    }

    /**
     * Writes one or more complete, unmasked WebSocket frames, back to back, as they are. Only
     * called when {@link #writesFrames} is true; the buffer is not modified by the caller until
     * {@code done} is called, and may be shared read-only with other connections.
     */
    default void sendFrames(ByteBuffer frames, SendCallback done) {
        throw new UnsupportedOperationException("this transport sends text only");
    }

    /**
     * A hint that a send is coming soon: reads, without changing anything, the state the next
     * send will read, so that a broadcast can bring a batch of members' connections into the
     * caches with their misses overlapping, instead of taking them one after another between
     * system calls ({@link FanOut}). Never blocks; may be called from any thread; does nothing by
     * default.
     */
    default void prefetch() {
    }

    /** Sends a WebSocket ping; a pong comes back as {@link Client#touch()}. Best effort. */
    void ping();

    /** Closes the connection with a WebSocket close code. Idempotent. */
    void close(int code, String reason);

    /**
     * The client's IP address: the peer's, or behind a trusted proxy the one it forwarded for; null
     * when the transport cannot tell, and then per-address limits do not apply to the connection.
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
