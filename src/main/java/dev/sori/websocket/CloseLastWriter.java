package dev.sori.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * Writes every frame of one Tyrus session, Tyrus's own and the chat's pre-built ones, and nothing
 * after the close frame. RFC 6455 §5.5.1: once an endpoint has sent a Close frame it must not send
 * any more data frames, and a browser that gets one fails the connection ("Data frame received
 * after close"). Tyrus alone does not keep to that: it looks at its state before it takes its send
 * lock, and it still sends while closing, so a broadcast that looked a moment before a close could
 * follow the close frame (seen in CI, in Chromium, when a page closed sockets during a burst of
 * joins and leaves).
 *
 * <p>Installed in place of the writer of the session's {@code ProtocolHandler}, so Tyrus's close
 * frames pass through it too; {@link TyrusFrameConnection} writes the chat's frames through
 * {@link #writeFrames}. Any thread may write. Whether a write may go and the hand-over to the
 * transport happen together under this object's monitor, so the transport receives the writes in
 * one order and a close frame never overtakes a write that was let through. A write that comes
 * after the close frame is refused: its handler fails, and the transport never sees it. The
 * monitor is held only while the transport takes the bytes, which never blocks (Grizzly queues
 * what the socket cannot take at once).
 *
 * <p>When the peer has gone without a close frame, Tyrus still writes one (its close always does)
 * to a connection that is closed, and Tyrus's Grizzly writer refuses it with an exception built for
 * the purpose: a stack trace per peer gone, 1.1 % of the server's CPU over a minute of handshakes
 * whose clients leave abruptly (docs/benchmarks.md, step 26). Where the chat's writer knows its
 * connection ({@link RawFrameWriters.ConnectionState}), such a close is refused here instead, with
 * an exception made once, without a stack trace.
 */
final class CloseLastWriter extends Writer {
    private static final int OPCODE_CLOSE = 0x8;
    private static final RuntimeException CLOSE_SENT = new Refusal("the close frame has been sent");
    private static final RuntimeException CONNECTION_GONE = new Refusal("the connection is closed");

    /** Tyrus's writer, the container's connection: Tyrus's frames go there. */
    private final Writer transport;
    /** Where the chat's frames go: a shortcut to the same connection ({@link RawFrameWriters}), or {@link #transport}. */
    private final Writer frames;
    /** Whether the connection is still open, where {@link #frames} can tell; else null. */
    private final RawFrameWriters.ConnectionState connection;
    /** Guarded by this. */
    private boolean closeWritten;

    CloseLastWriter(Writer transport, Writer frames) {
        this.transport = transport;
        this.frames = frames;
        this.connection = frames instanceof RawFrameWriters.ConnectionState c ? c : null;
    }

    /** Where the chat's frames go, for a read ahead of them ({@link RawFrameWriters.Prefetching}). */
    Writer frames() {
        return frames;
    }

    /** The chat's frames: complete data frames, never a close. */
    void writeFrames(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
        synchronized (this) {
            if (!closeWritten) {
                frames.write(buffer, done);
                return;
            }
        }
        done.failed(CLOSE_SENT);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
        write(buffer, done, null);
    }

    /** Tyrus's frames, one whole frame per call: text, pings, pongs, the close. */
    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        RuntimeException refused;
        synchronized (this) {
            if (closeWritten) {
                refused = CLOSE_SENT;
            } else {
                // By the opcode rather than by info, which older Tyrus releases (Payara's) may not pass.
                closeWritten = isClose(buffer);
                if (closeWritten && connection != null && !connection.isOpen()) {
                    refused = CONNECTION_GONE;
                } else {
                    if (info == null) {
                        transport.write(buffer, done);
                    } else {
                        transport.write(buffer, done, info);
                    }
                    return;
                }
            }
        }
        done.failed(refused);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    private static boolean isClose(ByteBuffer frame) {
        return frame.hasRemaining() && (frame.get(frame.position()) & 0x0F) == OPCODE_CLOSE;
    }

    /**
     * A refused write. Made once per reason and shared: no stack trace (it would say nothing but
     * where the refusal is) and no suppressed exceptions, so sharing it keeps nothing alive.
     */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
