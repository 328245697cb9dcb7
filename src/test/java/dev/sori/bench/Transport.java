package dev.sori.bench;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * The WebSocket client library the generator drives. Three implementations: the JDK's
 * {@code java.net.http.WebSocket} ({@link JdkTransport}, the default), Tyrus's client on one
 * shared Grizzly container ({@link TyrusTransport}), and a lean RFC 6455 client on plain NIO
 * channels ({@link RawTransport}) that costs the generator the least CPU; {@code --client}
 * picks one. {@code --wire socketio} puts {@link SocketIoTransport} on top of it, for the
 * Socket.IO yardstick.
 */
interface Transport extends AutoCloseable {

    /** What a connection reports. Calls for one connection never overlap. */
    interface Handler {
        void onText(String text);

        void onClose(int code, String reason);

        void onError(Throwable failure);
    }

    /** One open connection. */
    interface Conn {
        /** Sends a text frame asynchronously; frames of one connection go out in call order. */
        void send(String text);

        /** Starts the closing handshake with 1000. */
        void close();

        /** Drops the TCP connection. */
        void abort();
    }

    /** Opens a connection; the future completes when the handshake is done. */
    CompletableFuture<Conn> connect(URI uri, Handler handler);

    String name();

    @Override
    void close();

    /** {@code wire}: {@code sori} (the protocol's frames as they are) or {@code socketio}. */
    static Transport create(String name, int threads, String wire) {
        if (!wire.equals("sori") && !wire.equals("socketio")) {
            throw new IllegalArgumentException("--wire must be sori or socketio, not " + wire);
        }
        Transport client = create(name, threads);
        return wire.equals("socketio") ? new SocketIoTransport(client) : client;
    }

    static Transport create(String name, int threads) {
        switch (name) {
            case "jdk":
                return new JdkTransport(threads);
            case "tyrus":
                return new TyrusTransport(threads);
            case "raw":
                return new RawTransport(threads);
            default:
                throw new IllegalArgumentException("--client must be jdk, tyrus or raw, not " + name);
        }
    }
}
