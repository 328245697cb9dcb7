package dev.sori.websocket;

import dev.sori.chat.Connection;
import jakarta.websocket.Session;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * A {@link Connection} that writes the chat's pre-built WebSocket frames straight to Tyrus's
 * {@link Writer} (the container's connection under the session), as Tyrus's own
 * {@code TyrusSession.broadcast} does through {@code TyrusWebSocket.sendRawFrame}. The portable
 * {@code sendText} makes Tyrus build a new {@code TextFrame} per recipient: a new UTF-8 charset
 * object, encoding and copying the same text again, a future and two handler wrappers; that was
 * about 30 % of the server's CPU per delivery in the fan-out profile (docs/benchmarks.md).
 * {@code sendRawFrame} itself cannot be used: it returns only a {@code Future}, and the outbox
 * continues on a completion callback, which the {@code Writer} takes.
 *
 * <p>Tyrus keeps the writer in private fields (session's remote endpoint → {@code TyrusWebSocket}
 * → {@code ProtocolHandler} → {@code Writer}); they are found by type once per class, so a Tyrus
 * that stores them differently simply falls back to {@link SessionConnection}. This class links
 * against Tyrus and is only ever loaded by name, when Tyrus is the container
 * ({@link SessionConnections}); on WildFly (Undertow) it stays unloaded. Pings, closes and text
 * sends go through the portable API.
 *
 * <p>The session's writer is replaced by a {@link CloseLastWriter} around it, through which
 * Tyrus's frames and ours both go, so that nothing follows the close frame.
 */
final class TyrusFrameConnection implements Connection {

    /**
     * Made by name in {@link SessionConnections}. Returns null for a session whose writer it
     * cannot reach; then the caller uses the portable connection. The fields are looked up from
     * the first session's own classes (in Payara Tyrus's core and SPI may sit in different class
     * loaders), by the type names, and reused.
     */
    static final class Factory implements Function<Session, Connection> {
        record Path(Class<?> remoteClass, Field remoteSocket, Field socketHandler, Field handlerWriter,
                Method setWriter) {
        }

        private volatile Path path;
        private volatile boolean unavailable;

        @Override
        public Connection apply(Session session) {
            if (unavailable) {
                return null;
            }
            try {
                Object remote = session.getAsyncRemote();
                Path p = path;
                if (p == null || p.remoteClass() != remote.getClass()) {
                    p = path = resolve(remote.getClass());
                }
                Object socket = p.remoteSocket().get(remote);
                Object handler = socket == null ? null : p.socketHandler().get(socket);
                Object writer = handler == null ? null : p.handlerWriter().get(handler);
                if (writer instanceof CloseLastWriter installed) {
                    return new TyrusFrameConnection(session, installed);
                }
                if (!(writer instanceof Writer w)) {
                    return null;
                }
                CloseLastWriter closeLast = new CloseLastWriter(w, RawFrameWriters.forFrames(w));
                // Before the first frame of ours, and no close can have been sent yet: @OnOpen is still running.
                p.setWriter().invoke(handler, closeLast);
                return new TyrusFrameConnection(session, closeLast);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unavailable = true;
                System.getLogger(TyrusFrameConnection.class.getName()).log(System.Logger.Level.INFO,
                        "Tyrus''s writer is out of reach, sending through the portable API: {0}", e.toString());
                return null;
            }
        }

        static Path resolve(Class<?> remoteClass) throws ReflectiveOperationException {
            Field remoteSocket = PrivateFields.ofType(remoteClass, "org.glassfish.tyrus.core.TyrusWebSocket");
            Field socketHandler = PrivateFields.ofType(remoteSocket.getType(), "org.glassfish.tyrus.core.ProtocolHandler");
            Field handlerWriter = PrivateFields.ofType(socketHandler.getType(), Writer.class.getName());
            Method setWriter = socketHandler.getType().getMethod("setWriter", Writer.class);
            return new Path(remoteClass, remoteSocket, socketHandler, handlerWriter, setWriter);
        }
    }

    private final CloseLastWriter writer;
    private final SessionConnection portable;

    private TyrusFrameConnection(Session session, CloseLastWriter writer) {
        this.writer = writer;
        this.portable = new SessionConnection(session);
    }

    @Override
    public boolean writesFrames() {
        return true;
    }

    @Override
    public void sendFrames(ByteBuffer frames, SendCallback done) {
        try {
            writer.writeFrames(frames, new Completion(done));
        } catch (RuntimeException e) {
            done.completed(e);
        }
    }

    @Override
    public void prefetch() {
        writer.prefetch();
    }

    @Override
    public void send(String text, SendCallback done) {
        portable.send(text, done);
    }

    @Override
    public void ping() {
        portable.ping();
    }

    @Override
    public void close(int code, String reason) {
        portable.close(code, reason);
    }

    @Override
    public java.net.InetAddress remoteAddress() {
        return portable.remoteAddress();
    }

    /** Tyrus's completion handler, reporting once to the outbox. */
    private static final class Completion extends CompletionHandler<ByteBuffer> {
        private final SendCallback done;

        Completion(SendCallback done) {
            this.done = done;
        }

        @Override
        public void completed(ByteBuffer result) {
            done.completed(null);
        }

        @Override
        public void failed(Throwable failure) {
            done.completed(failure);
        }

        @Override
        public void cancelled() {
            done.completed(new CancellationException("write cancelled"));
        }
    }
}
