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
 */
final class SessionConnection implements Connection {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Session session;
    private final RemoteEndpoint.Async remote;

    SessionConnection(Session session) {
        this.session = session;
        this.remote = session.getAsyncRemote();
    }

    @Override
    public void send(String text, SendCallback done) {
        try {
            remote.sendText(text, result -> done.completed(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) { // closed session, container refusing the write
            done.completed(e);
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
