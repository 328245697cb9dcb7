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
 * {@link #writeFrames}. Any thread may write. A {@link ClosingGate} orders them: once Tyrus hands
 * over its close frame, every later write is refused (its handler fails, the transport never sees
 * it), and the close frame goes to the transport once the writes let through before it have been
 * handed over; Tyrus's closing of the connection ({@link #close}) follows the close frame. Nothing
 * waits (the gate says why).
 *
 * <p>When the peer has gone without a close frame, Tyrus still writes one (its close always does)
 * to a connection that is closed, and Tyrus's Grizzly writer refuses it with an exception built for
 * the purpose: a stack trace per peer gone, 1.2 % of the server's CPU over a minute of handshakes
 * whose clients leave abruptly (docs/benchmarks.md, step 26). Where the chat's writer knows its
 * connection ({@link RawFrameWriters.ConnectionState}), such a close is refused here instead, with
 * an exception made once, without a stack trace.
 */
final class CloseLastWriter extends Writer {
    private static final int OPCODE_CLOSE = 0x8;
    private static final RuntimeException CLOSE_SENT = new WriteRefused("the close frame has been sent");
    private static final RuntimeException CONNECTION_GONE = new WriteRefused("the connection is closed");

    /** Tyrus's writer, the container's connection: Tyrus's frames go there. */
    private final Writer transport;
    /** Where the chat's frames go: a shortcut to the same connection ({@link RawFrameWriters}), or {@link #transport}. */
    private final Writer frames;
    /** Whether the connection is still open, where {@link #frames} can tell; else null. */
    private final RawFrameWriters.ConnectionState connection;

    private final ClosingGate gate = new ClosingGate();

    CloseLastWriter(Writer transport, Writer frames) {
        this.transport = transport;
        this.frames = frames;
        this.connection = frames instanceof RawFrameWriters.ConnectionState c ? c : null;
    }

    /** Reads what the next {@link #writeFrames} reads first: the gate, then the chat's writer's state. */
    void prefetch() {
        gate.prefetch();
        if (frames instanceof RawFrameWriters.Prefetching ahead) {
            ahead.prefetch();
        }
    }

    /** The chat's frames: complete data frames, never a close. */
    void writeFrames(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
        if (!gate.enter()) {
            done.failed(CLOSE_SENT);
            return;
        }
        try {
            frames.write(buffer, done);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
        write(buffer, done, null);
    }

    /** Tyrus's frames, one whole frame per call: text, pings, pongs, the close. */
    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        // By the opcode rather than by info, which older Tyrus releases (Payara's) may not pass.
        if (isClose(buffer)) {
            if (!gate.close(() -> writeClose(buffer, done, info))) {
                done.failed(CLOSE_SENT); // a second close
            }
            return;
        }
        if (!gate.enter()) {
            done.failed(CLOSE_SENT);
            return;
        }
        try {
            toTransport(buffer, done, info);
        } finally {
            gate.exit();
        }
    }

    /** Tyrus closes the connection: after its close frame, if that is still waiting. */
    @Override
    public void close() {
        gate.afterClose(() -> {
            try {
                transport.close();
            } catch (IOException e) {
                // the connection is going anyway; Tyrus would only wrap and rethrow it
            }
        });
    }

    private void writeClose(ByteBuffer frame, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        if (connection != null && !connection.isOpen()) {
            done.failed(CONNECTION_GONE);
        } else {
            toTransport(frame, done, info);
        }
    }

    private void toTransport(ByteBuffer buffer, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        if (info == null) {
            transport.write(buffer, done);
        } else {
            transport.write(buffer, done, info);
        }
    }

    private static boolean isClose(ByteBuffer frame) {
        return frame.hasRemaining() && (frame.get(frame.position()) & 0x0F) == OPCODE_CLOSE;
    }
}
