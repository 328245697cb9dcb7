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
 * <p>A close it is asked for comes after everything it sent and before nothing: a send and the
 * decision to close take this object's monitor, so the container gets no text after the close
 * (RFC 6455 §5.5.1). Neither Tyrus nor Undertow holds to that on its own: both check their state
 * and then queue the frame, with a gap between. A close the peer starts is answered by the
 * container, outside our reach here; {@link TyrusFrameConnection} covers that case on Tyrus.
 */
final class SessionConnection implements Connection {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    private final RemoteEndpoint.Async remote;
    /** Set by {@link #close}; guarded by this. */
    private boolean closing;

    SessionConnection(Session session) {
        this.session = session;
        this.remote = session.getAsyncRemote();
    }

    @Override
    public void send(String text, SendCallback done) {
        RuntimeException refused;
        synchronized (this) {
            if (closing) {
                refused = new IllegalStateException("the connection is closing");
            } else {
                try {
                    remote.sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
                    return;
                } catch (RuntimeException e) { // closed session, container refusing the write
                    refused = e;
                }
            }
        }
        done.completed(refused);
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
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
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
