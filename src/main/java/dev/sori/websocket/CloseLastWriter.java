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
 * after the close frame is refused: its handler fails with an {@link IllegalStateException}, and
 * the transport never sees it. The monitor is held only while the transport takes the bytes, which
 * never blocks (Grizzly queues what the socket cannot take at once).
 */
final class CloseLastWriter extends Writer {
    private static final int OPCODE_CLOSE = 0x8;

    /** Tyrus's writer, the container's connection: Tyrus's frames go there. */
    private final Writer transport;
    /** Where the chat's frames go: a shortcut to the same connection ({@link RawFrameWriters}), or {@link #transport}. */
    private final Writer frames;
    /** Guarded by this. */
    private boolean closeWritten;

    CloseLastWriter(Writer transport, Writer frames) {
        this.transport = transport;
        this.frames = frames;
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
        refuse(done);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
        write(buffer, done, null);
    }

    /** Tyrus's frames, one whole frame per call: text, pings, pongs, the close. */
    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        synchronized (this) {
            if (!closeWritten) {
                // By the opcode rather than by info, which older Tyrus releases (Payara's) may not pass.
                closeWritten = isClose(buffer);
                if (info == null) {
                    transport.write(buffer, done);
                } else {
                    transport.write(buffer, done, info);
                }
                return;
            }
        }
        refuse(done);
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }

    private static boolean isClose(ByteBuffer frame) {
        return frame.hasRemaining() && (frame.get(frame.position()) & 0x0F) == OPCODE_CLOSE;
    }

    private static void refuse(CompletionHandler<ByteBuffer> done) {
        done.failed(new IllegalStateException("the close frame has been sent"));
    }
}
