package dev.sori.websocket;

import dev.sori.chat.Connection;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * A {@link Connection} over a Jakarta WebSocket session, with the portable asynchronous API
 * only, so that it behaves the same on Tyrus (standalone, Payara) and Undertow (WildFly).
 *
 * <p>A close it is asked for comes after everything it sent and before nothing ({@link ClosingGate}):
 * the container gets no text after the close (RFC 6455 §5.5.1). Neither Tyrus nor Undertow holds
 * to that on its own: both check their state and then queue the frame, with a gap between. A close
 * the peer starts is answered by the container, outside our reach here; {@link TyrusFrameConnection}
 * covers that case on Tyrus.
 */
final class SessionConnection implements Connection {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** A send after the close; made once, without a stack trace. */
    private static final RuntimeException CLOSING = new WriteRefused("the connection is closing");

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final ClosingGate gate = new ClosingGate();

    SessionConnection(Session session) {
        this.session = session;
        this.remote = session.getAsyncRemote();
    }

    @Override
    public void send(String text, SendCallback done) {
        if (!gate.enter()) {
            done.completed(CLOSING);
            return;
        }
        try {
            remote.sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) { // closed session, container refusing the write
            done.completed(e);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void ping() {
        try {
            remote.sendPing(EMPTY.duplicate());
        } catch (IOException | RuntimeException e) {
            // the heartbeat closes a peer that stays silent; nothing to do here
        }
    }

    @Override
    public void close(int code, String reason) {
        gate.close(() -> closeSession(code, reason));
    }

    private void closeSession(int code, String reason) {
        if (!session.isOpen()) {
            return;
        }
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        } catch (IOException | RuntimeException e) {
            // already closing or broken: the container reports the close through @OnClose
        }
    }

    @Override
    public InetAddress remoteAddress() {
        return ClientAddresses.of(session);
    }
}
