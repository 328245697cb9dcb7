package dev.sori.server;

import dev.sori.websocket.PrivateFields;
import dev.sori.websocket.RawFrameWriters;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.UnaryOperator;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.IOEvent;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.AsyncWriteQueueRecord;
import org.glassfish.grizzly.asyncqueue.MessageCloner;
import org.glassfish.grizzly.asyncqueue.TaskQueue;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.memory.ByteBufferWrapper;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.grizzly.nio.transport.TCPNIOConnection;
import org.glassfish.grizzly.ssl.SSLUtils;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.spi.Writer;

/**
 * The chat's pre-built frames written to the connection without Tyrus's {@link GrizzlyWriter},
 * which ends up in Grizzly's write queue after a detour that the fan-out paid once per member: a task queue and lock of its own per write (the outbox already keeps one
 * write in flight per connection), a walk of the connection's filter chain, and a buffer wrapper
 * from a thread cache that misses on the fan-out threads. Together about half of the Java time
 * per delivery in the fan-out profile (docs/benchmarks.md).
 *
 * <p>Without TLS the frames go straight to the socket: one {@code write()} on the fan-out thread
 * when nothing else is queued for the connection, which is nearly always. Grizzly's asynchronous
 * write queue would do the same write, but its bookkeeping around it (a pooled record, a
 * thread-local reentrancy counter, the completion's result objects) was about half of the Java
 * time per delivery at 200,000 deliveries/s (docs/benchmarks.md, steps 5 and 6). The turn to write is
 * still taken through that queue, so a frame of ours and one of Tyrus's (pongs, close), which end
 * in the same queue, never interleave, and what the socket cannot take at once is left to the
 * queue. Tyrus's writer may hold its frames back a while in a task queue of its own (while another
 * thread writes through it, or while the connection cannot take more), so ours may overtake a
 * pong; never a close frame: the session's {@code CloseLastWriter} lets nothing of ours through
 * once Tyrus has handed it the close. With TLS the frames go through the connection's filter chain
 * (our frame chain: transport, TLS, frames) to be encrypted.
 *
 * <p>{@link GrizzlyWriter} keeps its connection in a field that is not public; it is found by
 * type once. If it is not there, frames take Tyrus's writer as before.
 */
final class GrizzlyFrameWriters implements UnaryOperator<Writer> {
    private static final System.Logger LOG = System.getLogger(GrizzlyFrameWriters.class.getName());

    private volatile Field connectionField;
    private volatile boolean unavailable;

    @Override
    public Writer apply(Writer tyrusWriter) {
        if (unavailable || !(tyrusWriter instanceof GrizzlyWriter)) {
            return tyrusWriter;
        }
        try {
            Field field = connectionField;
            if (field == null) {
                field = connectionField = connectionField();
            }
            Connection<?> connection = (Connection<?>) field.get(tyrusWriter);
            if (connection == null) {
                return tyrusWriter;
            }
            // Per connection, not per server: one JVM may run servers with and without TLS (the tests do).
            return new Direct(tyrusWriter, connection, SSLUtils.getSSLEngine(connection) != null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(System.Logger.Level.INFO, "Grizzly''s connection is out of reach, frames take Tyrus''s writer: {0}",
                    e.toString());
            return tyrusWriter;
        }
    }

    static Field connectionField() throws NoSuchFieldException {
        return PrivateFields.ofType(GrizzlyWriter.class, Connection.class.getName());
    }

    /** Writes frames to the connection's socket or write queue; closing stays Tyrus's business. */
    static final class Direct extends Writer implements RawFrameWriters.Prefetching, RawFrameWriters.ConnectionState {
        private final Writer tyrusWriter;
        private final Connection<SocketAddress> connection;
        private final AsyncQueueWriter<SocketAddress> queue;
        /** The socket, where frames may be written without the write queue; null with TLS. */
        private final TCPNIOConnection socket;

        @SuppressWarnings("unchecked")
        Direct(Writer tyrusWriter, Connection<?> connection, boolean secure) {
            this.tyrusWriter = tyrusWriter;
            this.connection = (Connection<SocketAddress>) connection;
            this.queue = secure || !(connection.getTransport() instanceof NIOTransport nio)
                    ? null
                    : (AsyncQueueWriter<SocketAddress>) nio.getAsyncQueueIO().getWriter();
            this.socket = queue != null && connection instanceof TCPNIOConnection tcp
                    && tcp.getChannel() instanceof SocketChannel ? tcp : null;
        }

        @Override
        public void write(ByteBuffer frames, org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done) {
            if (!connection.isOpen()) {
                done.failed(new IllegalStateException("connection is not open"));
                return;
            }
            if (socket != null) {
                writeToSocket(frames, done);
            } else if (queue != null) {
                // A new wrapper per member: the write queue consumes it, and the frames are shared.
                queue.write(connection, null, new ByteBufferWrapper(frames), new Completion(frames, done),
                        (MessageCloner<WritableMessage>) null);
            } else {
                connection.write(null, (WritableMessage) new ByteBufferWrapper(frames), new Completion(frames, done));
            }
        }

        @Override
        public boolean isOpen() {
            return connection.isOpen();
        }

        /** Reads the connection, its write queue's count and the channel's state, as a write does first. */
        @Override
        public void prefetch() {
            if (socket != null) {
                socket.getAsyncWriteQueue().size();
                socket.getChannel().isOpen();
            }
        }

        /**
         * Writes the frames with one {@code write()} on the socket when nothing else is queued for
         * it, else queues them behind what is. The turn is taken as Grizzly's own writer takes it
         * (reserve the bytes in the connection's write queue; whoever finds it empty writes now),
         * so the frames stay in order with Tyrus's (pongs, close frames), which go through that
         * queue. What the socket does not take at once is left to the queue, as Grizzly does.
         */
        private void writeToSocket(ByteBuffer frames, org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done) {
            TaskQueue<AsyncWriteQueueRecord> pending = socket.getAsyncWriteQueue();
            int size = frames.remaining();
            if (size == 0) {
                done.completed(frames);
                return;
            }
            if (pending.reserveSpace(size) != size) {
                pending.offer(record(frames, done));
                return;
            }
            int written;
            try {
                written = ((SocketChannel) socket.getChannel()).write(frames);
            } catch (IOException e) {
                // The socket is broken: close now, as Grizzly's writer does. A graceful close would
                // queue behind this turn, which never ends.
                connection.terminateWithReason(e);
                done.failed(e);
                return;
            }
            boolean whole = written == size;
            if (!whole) {
                // Still our turn: the rest goes first when the socket can take more. Set before the
                // written bytes are released, so no one can find the queue without it.
                pending.setCurrentElement(record(frames, done));
            }
            int stillPending = pending.releaseSpaceAndNotify(written);
            if (whole) {
                done.completed(frames);
            }
            try {
                if (!whole) {
                    socket.enableIOEvent(IOEvent.WRITE);
                } else if (stillPending != 0) {
                    socket.simulateIOEvent(IOEvent.WRITE); // queued behind us meanwhile
                }
            } catch (IOException e) {
                connection.terminateWithReason(e); // which fails what is queued
            }
        }

        private AsyncWriteQueueRecord record(ByteBuffer frames, org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done) {
            return AsyncWriteQueueRecord.create(connection, new ByteBufferWrapper(frames), new Completion(frames, done),
                    null, null, false);
        }

        @Override
        public void close() throws IOException {
            tyrusWriter.close();
        }
    }

    private static final class Completion implements CompletionHandler<WriteResult<WritableMessage, SocketAddress>> {
        private final ByteBuffer frames;
        private final org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done;

        Completion(ByteBuffer frames, org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done) {
            this.frames = frames;
            this.done = done;
        }

        @Override
        public void completed(WriteResult<WritableMessage, SocketAddress> result) {
            done.completed(frames);
        }

        @Override
        public void failed(Throwable failure) {
            done.failed(failure);
        }

        @Override
        public void cancelled() {
            done.cancelled();
        }

        @Override
        public void updated(WriteResult<WritableMessage, SocketAddress> result) {
        }
    }
}
