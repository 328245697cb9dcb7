package dev.sori.server;

import dev.sori.websocket.OriginPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How the standalone server's port meets the network: which pages may open a WebSocket, how long
 * a connection may take to complete a request or upgrade, and TLS. (In the WAR the application
 * server owns timeouts and TLS; only the origin rule applies there.)
 *
 * @param origins          the Origin rule for WebSocket handshakes
 * @param handshakeTimeout how long a connection that is not (yet) a WebSocket may go without a
 *                         complete response: from the accept, or from the end of its previous
 *                         response
 * @param tls              the certificate to serve {@code https://} and {@code wss://} with, or
 *                         null for plain {@code http://} and {@code ws://}
 */
public record EdgeSettings(OriginPolicy origins, Duration handshakeTimeout, TlsKeystore tls) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public EdgeSettings {
        Objects.requireNonNull(origins, "origins");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
    }

    /** Same origin only, 10 s, no TLS. */
    public static EdgeSettings defaults() {
        return new EdgeSettings(OriginPolicy.sameOriginOnly(), DEFAULT_HANDSHAKE_TIMEOUT, null);
    }

    public EdgeSettings withOrigins(OriginPolicy newOrigins) {
        return new EdgeSettings(newOrigins, handshakeTimeout, tls);
    }

    public EdgeSettings withHandshakeTimeout(Duration timeout) {
        return new EdgeSettings(origins, timeout, tls);
    }

    public EdgeSettings withTls(TlsKeystore keystore) {
        return new EdgeSettings(origins, handshakeTimeout, keystore);
    }
}
