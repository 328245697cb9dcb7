package dev.sori.server;

import dev.sori.websocket.PrivateFields;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.asyncqueue.AsyncQueueWriter;
import org.glassfish.grizzly.asyncqueue.MessageCloner;
import org.glassfish.grizzly.asyncqueue.WritableMessage;
import org.glassfish.grizzly.memory.ByteBufferWrapper;
import org.glassfish.grizzly.nio.NIOTransport;
import org.glassfish.grizzly.ssl.SSLUtils;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyWriter;
import org.glassfish.tyrus.spi.Writer;

/**
 * The chat's pre-built frames written straight into Grizzly's write queue for the connection,
 * which is what Tyrus's {@link GrizzlyWriter} ends up doing after a detour that the fan-out paid
 * once per member: a task queue and lock of its own per write (the outbox already keeps one
 * write in flight per connection), a walk of the connection's filter chain, and a buffer wrapper
 * from a thread cache that misses on the fan-out threads. Together about half of the Java time
 * per delivery in the fan-out profile (docs/benchmarks.md).
 *
 * <p>Without TLS the frame goes to the transport's asynchronous write queue, as Grizzly's
 * transport filter would put it (written at once when the queue is empty). With TLS it goes
 * through the connection's filter chain (our frame chain: transport, TLS, frames) to be encrypted.
 * Tyrus's own frames (pongs, close) still take Tyrus's writer; the session's state keeps data from
 * following a close frame ({@code TyrusFrameConnection}).
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

    /** Writes frames into the connection's write queue; closing stays Tyrus's business. */
    static final class Direct extends Writer {
        private final Writer tyrusWriter;
        private final Connection<SocketAddress> connection;
        private final AsyncQueueWriter<SocketAddress> queue;

        @SuppressWarnings("unchecked")
        Direct(Writer tyrusWriter, Connection<?> connection, boolean secure) {
            this.tyrusWriter = tyrusWriter;
            this.connection = (Connection<SocketAddress>) connection;
            this.queue = secure || !(connection.getTransport() instanceof NIOTransport nio)
                    ? null
                    : (AsyncQueueWriter<SocketAddress>) nio.getAsyncQueueIO().getWriter();
        }

        @Override
        public void write(ByteBuffer frames, org.glassfish.tyrus.spi.CompletionHandler<ByteBuffer> done) {
            if (!connection.isOpen()) {
                done.failed(new IllegalStateException("connection is not open"));
                return;
            }
            // A new wrapper per member: the write queue consumes it, and the frames are shared.
            ByteBufferWrapper buffer = new ByteBufferWrapper(frames);
            Completion completion = new Completion(frames, done);
            if (queue != null) {
                queue.write(connection, null, buffer, completion, (MessageCloner<WritableMessage>) null);
            } else {
                connection.write(null, (WritableMessage) buffer, completion);
            }
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
