package dev.sori.server;

import dev.sori.config.SettingValues;
import dev.sori.config.Settings;
import dev.sori.websocket.OriginPolicy;
import dev.sori.websocket.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the standalone server's port meets the network: which pages may open a WebSocket, how long
 * a connection may take to complete a request or upgrade, and TLS. (In the WAR the application
 * server owns timeouts and TLS; only the origin rule applies there.)
 *
 * @param origins          the Origin rule for WebSocket handshakes and for every request but GET and
 *                         HEAD
 * @param handshakeTimeout how long a connection that is not (yet) a WebSocket may go without a
 *                         complete response: from the accept, or from the end of its previous
 *                         response
 * @param tls              the certificate to serve {@code https://} and {@code wss://} with, or
 *                         null for plain {@code http://} and {@code ws://}
 * @param socketSendBuffer SO_SNDBUF of every accepted connection (Linux doubles it), or 0 to
 *                         leave the kernel's autotuning (up to 4 MiB per connection)
 * @param minBodyRate      bytes per second a request body must average over each period of the
 *                         handshake timeout while it is being sent (an upload), or the
 *                         connection is closed
 * @param trustedProxies   the peers whose {@code X-Forwarded-For} / {@code Forwarded} name the
 *                         client (also in the WAR, which reads it in {@code WebAppSettings})
 */
public record EdgeSettings(OriginPolicy origins, Duration handshakeTimeout, TlsKeystore tls, int socketSendBuffer,
                           int minBodyRate, TrustedProxies trustedProxies) {
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Settings.HANDSHAKE_TIMEOUT.defaultValue();
    /**
     * 1 KiB/s: an upload over the worst mobile link still gets through (2G carries several KiB/s),
     * while a body trickled to hold a connection and a worker is closed within one timeout.
     */
    public static final int DEFAULT_MIN_BODY_RATE = Settings.MIN_BODY_RATE.defaultValue();

    public EdgeSettings {
        Objects.requireNonNull(origins, "origins");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        if (socketSendBuffer < 0) {
            throw new IllegalArgumentException("the socket send buffer must not be negative");
        }
        if (minBodyRate <= 0) {
            throw new IllegalArgumentException("the minimum request body rate must be positive");
        }
    }

    public EdgeSettings(OriginPolicy origins, Duration handshakeTimeout, TlsKeystore tls) {
        this(origins, handshakeTimeout, tls, 0, DEFAULT_MIN_BODY_RATE, TrustedProxies.NONE);
    }

    /** Same origin only, 10 s, no TLS. */
    public static EdgeSettings defaults() {
        return new EdgeSettings(OriginPolicy.sameOriginOnly(), DEFAULT_HANDSHAKE_TIMEOUT, null);
    }

    /**
     * The settings of a run of server.jar. The keystore is read here, once.
     *
     * @throws IllegalArgumentException naming the settings given when they are not usable
     * @throws TlsKeystore.InvalidKeystoreException when the keystore or its password is wrong
     */
    public static EdgeSettings from(SettingValues values) {
        EdgeSettings edge = values.explained(() -> new EdgeSettings(
                OriginPolicy.parse(values.get(Settings.ALLOWED_ORIGINS)), values.get(Settings.HANDSHAKE_TIMEOUT),
                null, values.get(Settings.SOCKET_SEND_BUFFER), values.get(Settings.MIN_BODY_RATE),
                Objects.requireNonNullElse(values.get(Settings.TRUSTED_PROXIES), TrustedProxies.NONE)));
        Path keystore = values.get(Settings.TLS_KEYSTORE);
        if (keystore == null) {
            return edge;
        }
        String password = values.get(Settings.TLS_PASSWORD);
        return edge.withTls(TlsKeystore.load(keystore, password == null ? null : password.toCharArray()));
    }

    public EdgeSettings withOrigins(OriginPolicy newOrigins) {
        return new EdgeSettings(newOrigins, handshakeTimeout, tls, socketSendBuffer, minBodyRate, trustedProxies);
    }

    public EdgeSettings withHandshakeTimeout(Duration timeout) {
        return new EdgeSettings(origins, timeout, tls, socketSendBuffer, minBodyRate, trustedProxies);
    }

    public EdgeSettings withTls(TlsKeystore keystore) {
        return new EdgeSettings(origins, handshakeTimeout, keystore, socketSendBuffer, minBodyRate, trustedProxies);
    }

    public EdgeSettings withSocketSendBuffer(int bytes) {
        return new EdgeSettings(origins, handshakeTimeout, tls, bytes, minBodyRate, trustedProxies);
    }

    public EdgeSettings withMinBodyRate(int bytesPerSecond) {
        return new EdgeSettings(origins, handshakeTimeout, tls, socketSendBuffer, bytesPerSecond, trustedProxies);
    }

    public EdgeSettings withTrustedProxies(TrustedProxies proxies) {
        return new EdgeSettings(origins, handshakeTimeout, tls, socketSendBuffer, minBodyRate, proxies);
    }
}
