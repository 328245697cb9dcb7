package dev.sori.websocket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * {@link #writeFrames}. Any thread may write, and nothing here ever waits. Each write is counted
 * while it is being handed to the transport. Once Tyrus hands over its close frame, every later
 * write is refused (its handler fails, the transport never sees it), and the close frame goes to
 * the transport when the last write let through before it has been handed over: at once when none
 * is, else on that write's thread, as it returns. Tyrus's request to close the connection
 * ({@link #close}) waits, the same way, for the close frame to be written.
 *
 * <p>Why not a lock: handing bytes to Grizzly can close the connection on the spot (a broken
 * socket), and Grizzly then tells Tyrus, which tells the chat ({@code @OnClose}), which broadcasts
 * the leave to the other members, on that same thread. A lock per session held across the
 * hand-over would be taken for member B while holding member A's, and the other way round on
 * another thread: a deadlock. Counting never holds anything across the hand-over.
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
    private static final RuntimeException CLOSE_SENT = new Refusal("the close frame has been sent");
    private static final RuntimeException CONNECTION_GONE = new Refusal("the connection is closed");

    /** The low bits of {@link #state}: writes being handed to the transport. */
    private static final int WRITING = (1 << 20) - 1;
    /** Tyrus has handed over its close frame: nothing more is let through. */
    private static final int CLOSING = 1 << 20;
    /** A close frame has been taken (set before {@link #CLOSING}, so that a second one is refused). */
    private static final int CLOSE_TAKEN = 1 << 23;
    /** The close frame has gone to the transport (or was refused there). */
    private static final int CLOSE_WRITTEN = 1 << 21;
    /** Tyrus asked to close the connection while its close frame was still waiting. */
    private static final int SHUTDOWN_ASKED = 1 << 22;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CloseLastWriter.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Tyrus's writer, the container's connection: Tyrus's frames go there. */
    private final Writer transport;
    /** Where the chat's frames go: a shortcut to the same connection ({@link RawFrameWriters}), or {@link #transport}. */
    private final Writer frames;
    /** Whether the connection is still open, where {@link #frames} can tell; else null. */
    private final RawFrameWriters.ConnectionState connection;

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    // The close frame, set once before CLOSING is published (by the CAS on state) and read after it.
    private ByteBuffer closeFrame;
    private CompletionHandler<ByteBuffer> closeDone;
    private WriterInfo closeInfo;

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
        if (!enter()) {
            done.failed(CLOSE_SENT);
            return;
        }
        try {
            frames.write(buffer, done);
        } finally {
            exit();
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
            writeClose(buffer, done, info);
            return;
        }
        if (!enter()) {
            done.failed(CLOSE_SENT);
            return;
        }
        try {
            toTransport(buffer, done, info);
        } finally {
            exit();
        }
    }

    /** Tyrus closes the connection: after its close frame, if that is still waiting. */
    @Override
    public void close() throws IOException {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) == 0 || (s & CLOSE_WRITTEN) != 0) {
                transport.close();
                return;
            }
            if (STATE.compareAndSet(this, s, s | SHUTDOWN_ASKED)) {
                return; // finishClose() closes it
            }
        }
    }

    private void writeClose(ByteBuffer buffer, CompletionHandler<ByteBuffer> done, WriterInfo info) {
        if (((int) STATE.getAndBitwiseOr(this, CLOSE_TAKEN) & CLOSE_TAKEN) != 0) {
            done.failed(CLOSE_SENT); // a second close
            return;
        }
        closeFrame = buffer;
        closeDone = done;
        closeInfo = info;
        // Published with CLOSING: whoever sees CLOSING sees the frame.
        int s = (int) STATE.getAndBitwiseOr(this, CLOSING);
        if ((s & WRITING) == 0) {
            finishClose();
        }
        // else the last write in progress finishes it (exit())
    }

    private boolean enter() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & CLOSING) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                return true;
            }
        }
    }

    private void exit() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if ((s & WRITING) == 0 && (s & CLOSING) != 0) {
            finishClose(); // the close frame waited for this write
        }
    }

    /** Runs once: by the close itself when nothing was being written, else by the last write. */
    private void finishClose() {
        ByteBuffer frame = closeFrame;
        CompletionHandler<ByteBuffer> done = closeDone;
        WriterInfo info = closeInfo;
        closeFrame = null;
        closeDone = null;
        closeInfo = null;
        try {
            if (connection != null && !connection.isOpen()) {
                done.failed(CONNECTION_GONE);
            } else {
                toTransport(frame, done, info);
            }
        } finally {
            if (((int) STATE.getAndBitwiseOr(this, CLOSE_WRITTEN) & SHUTDOWN_ASKED) != 0) {
                try {
                    transport.close();
                } catch (IOException e) {
                    // closing a connection that is going anyway; Tyrus would only wrap and throw it
                }
            }
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
