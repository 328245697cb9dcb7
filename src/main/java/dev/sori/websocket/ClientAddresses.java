package dev.sori.websocket;

import jakarta.websocket.Session;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The client's address of a WebSocket session: the peer's ({@link PeerAddresses}), or, when the
 * peer is a trusted proxy, the one its {@code X-Forwarded-For} / {@code Forwarded} headers name
 * ({@link TrustedProxies}). The session itself shows no headers in the Jakarta API; the one place
 * that sees them on every container is {@code Configurator.modifyHandshake}, which keeps them in
 * the user properties it is given: a copy per connection on Tyrus (server.jar, Payara) and
 * Undertow (WildFly), which becomes the session's (WebSocket 2.1). They are kept only when some
 * proxy is trusted, so that by default a connection carries nothing more than before.
 *
 * <p>The trusted proxies are the process's, like {@link CurrentHub}'s hub: the container creates
 * the configurator and the endpoints, so the bootstrap installs them here before serving.
 */
public final class ClientAddresses {
    static final String HEADERS_PROPERTY = "dev.sori.forwarding-headers";

    private static volatile TrustedProxies trusted = TrustedProxies.NONE;

    private ClientAddresses() {
    }

    /** Whose forwarding headers to believe from now on; {@link TrustedProxies#NONE} for nobody's. */
    public static void trust(TrustedProxies proxies) {
        trusted = Objects.requireNonNull(proxies);
    }

    /** The two headers of one handshake, each field joined with commas in order, or null when absent. */
    record ForwardingHeaders(String xForwardedFor, String forwarded) {
    }

    /** At the handshake: keeps the forwarding headers in this connection's user properties, if anybody is trusted. */
    static void keepHeaders(Map<String, Object> userProperties, Map<String, List<String>> headers) {
        if (trusted.isEmpty() || headers == null) {
            return;
        }
        String xForwardedFor = null;
        String forwarded = null;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey();
            if ("X-Forwarded-For".equalsIgnoreCase(name)) {
                xForwardedFor = join(xForwardedFor, header.getValue());
            } else if ("Forwarded".equalsIgnoreCase(name)) {
                forwarded = join(forwarded, header.getValue());
            }
        }
        if (xForwardedFor != null || forwarded != null) {
            userProperties.put(HEADERS_PROPERTY, new ForwardingHeaders(xForwardedFor, forwarded));
        }
    }

    private static String join(String before, List<String> values) {
        if (values == null || values.isEmpty()) {
            return before;
        }
        String joined = String.join(",", values);
        return before == null ? joined : before + "," + joined;
    }

    /** The client's address of an open session, or null when the container does not tell the peer's. Never throws. */
    static InetAddress of(Session session) {
        InetAddress peer = PeerAddresses.of(session);
        TrustedProxies proxies = trusted;
        if (proxies.isEmpty()) {
            return peer;
        }
        Object kept;
        try {
            kept = session.getUserProperties().get(HEADERS_PROPERTY);
        } catch (RuntimeException e) {
            kept = null;
        }
        if (kept instanceof ForwardingHeaders headers) {
            return proxies.clientAddress(peer, headers.xForwardedFor(), headers.forwarded());
        }
        return peer;
    }
}
