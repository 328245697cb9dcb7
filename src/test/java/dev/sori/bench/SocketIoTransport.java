package dev.sori.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.CompletableFuture;

/**
 * The wire of the Socket.IO yardstick ({@code --wire socketio}, src/test/bench/node-socketio/):
 * Engine.IO v4 and Socket.IO v5 over WebSocket text frames, on top of any other {@link Transport}.
 * Every protocol frame travels as one event named {@code frame} whose argument is the frame's JSON
 * object, i.e. {@code 42["frame",{...}]} both ways; this class wraps and unwraps that and answers
 * the handshake and the server's pings, so that the rest of the generator sees Sori's frames.
 *
 * <p>Unwrapping is a substring, never a JSON parse: the generator's CPU per frame is a measured
 * figure. Everything runs in the inner transport's callbacks and sends, so a connection's frames
 * keep their order and its handler calls still never overlap.
 */
final class SocketIoTransport implements Transport {
    static final String PATH = "/socket.io/";
    static final String QUERY = "EIO=4&transport=websocket";
    /** A Socket.IO EVENT (2) in an Engine.IO MESSAGE (4), on the default namespace, without ack id. */
    static final String EVENT_PREFIX = "42[\"frame\",";

    private final Transport inner;

    SocketIoTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name() + "+socketio";
    }

    /**
     * Completes once the default namespace accepted the connection ({@code 40{"sid":…}}), not when
     * the WebSocket opens: Socket.IO drops a connection whose events arrive before that.
     */
    @Override
    public CompletableFuture<Conn> connect(URI uri, Handler handler) {
        Engine engine = new Engine(handler);
        URI target;
        try {
            target = endpoint(uri);
        } catch (URISyntaxException e) {
            engine.connected.completeExceptionally(e);
            return engine.connected;
        }
        inner.connect(target, engine).whenComplete((c, failure) -> {
            if (failure != null) {
                engine.connected.completeExceptionally(failure);
            } else {
                engine.socket.complete(c);
            }
        });
        return engine.connected;
    }

    /** The same host and port, with Socket.IO's path and query in place of whatever {@code uri} had. */
    static URI endpoint(URI uri) throws URISyntaxException {
        return new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), PATH, QUERY, null);
    }

    static String wrap(String frame) {
        return EVENT_PREFIX + frame + "]";
    }

    /** The protocol frame a {@code frame} event carries, or null for any other packet. */
    static String unwrap(String packet) {
        return packet.startsWith(EVENT_PREFIX) && packet.endsWith("]")
                ? packet.substring(EVENT_PREFIX.length(), packet.length() - 1) : null;
    }

    @Override
    public void close() {
        inner.close();
    }

    /** One connection: the inner transport's handler, and the Conn the generator holds. */
    private static final class Engine implements Handler, Conn {
        final Handler handler;
        /** The WebSocket underneath; may complete after its first frames have arrived. */
        final CompletableFuture<Conn> socket = new CompletableFuture<>();
        final CompletableFuture<Conn> connected = new CompletableFuture<>();
        private volatile Conn ws;
        /** Callback thread only: whoever waits was told how the connection ended. */
        private boolean ended;

        Engine(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onText(String text) {
            String frame = unwrap(text);
            if (frame != null) {
                handler.onText(frame);
            } else if (text.equals("2")) {
                sendRaw("3"); // at once: the server drops who does not answer within pingTimeout
            } else if (text.startsWith("40")) {
                socket.thenAccept(c -> {
                    ws = c;
                    connected.complete(this);
                });
            } else if (text.startsWith("0")) {
                sendRaw("40"); // the open packet: now ask for the default namespace
            } else if (text.startsWith("44")) {
                end(0, null, new IOException("socket.io connect error: " + text.substring(2)));
                socket.thenAccept(Conn::abort);
            } else if (text.startsWith("41")) {
                end(1000, "socket.io namespace disconnect", null);
                socket.thenAccept(Conn::close);
            }
            // anything else (other events, Engine.IO noop/close packets) is of no interest
        }

        private void sendRaw(String packet) {
            socket.thenAccept(c -> c.send(packet));
        }

        @Override
        public void onClose(int code, String reason) {
            end(code, reason, null);
        }

        @Override
        public void onError(Throwable failure) {
            end(0, null, failure);
        }

        /**
         * The connection is over, once. As in RawTransport: before the handshake completed only the
         * future learns of it (the caller owns the handler's end then), after it the handler.
         */
        private void end(int code, String reason, Throwable failure) {
            if (ended) {
                return;
            }
            ended = true;
            boolean open = connected.isDone() && !connected.isCompletedExceptionally();
            if (!open) {
                connected.completeExceptionally(failure != null ? failure
                        : new EOFException("closed " + code + " " + reason + " during the socket.io handshake"));
            } else if (failure != null) {
                handler.onError(failure);
            } else {
                handler.onClose(code, reason);
            }
        }

        @Override
        public void send(String text) {
            ws.send(wrap(text));
        }

        @Override
        public void close() {
            ws.close();
        }

        @Override
        public void abort() {
            ws.abort();
        }
    }
}
