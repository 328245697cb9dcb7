package dev.sori.websocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which web pages may open a WebSocket to Sori (the defence against cross-site WebSocket
 * hijacking). A browser sends the page's origin with every WebSocket handshake and lets any page
 * connect anywhere; without this check a page on any site could open a chat connection in the
 * visitor's name (with the visitor's cookies or stored token) and read it.
 *
 * <p>The rule, as in gorilla/websocket's default {@code CheckOrigin} and Centrifugo's
 * {@code allowed_origins}:
 * <ul>
 * <li>no {@code Origin} header: allowed. Browsers always send one on a WebSocket handshake, so a
 *     request without one is not a page in a browser (a CLI, a bot, another server, the load
 *     generator) and cross-site hijacking, a browser attack, does not apply; such a client could
 *     send any Origin it liked anyway;</li>
 * <li>the page's own origin: allowed when the Origin's host and port equal the request's
 *     {@code Host} (ports made explicit from the Origin's scheme, names compared without case).
 *     The scheme is not compared, because behind a TLS-terminating proxy an {@code https} page
 *     reaches Sori over plain HTTP;</li>
 * <li>an origin on the allow-list ({@code --allowed-origins}, exact {@code scheme://host[:port]}
 *     entries, or {@code *} for any): allowed;</li>
 * <li>everything else, {@code Origin: null} (sandboxed frames, {@code file:} pages) included,
 *     is refused with 403 before any session exists.</li>
 * </ul>
 * Immutable; one instance is shared by every handshake.
 */
public final class OriginPolicy {
    /** The longest origin (or host) written to the log; the rest is cut. */
    static final int LOGGED_CHARS = 100;

    private final boolean anyOrigin;
    private final Set<String> allowed;

    private OriginPolicy(boolean anyOrigin, Set<String> allowed) {
        this.anyOrigin = anyOrigin;
        this.allowed = Set.copyOf(allowed);
    }

    /** Only the page's own origin (and clients that send none). */
    public static OriginPolicy sameOriginOnly() {
        return new OriginPolicy(false, Set.of());
    }

    /**
     * The own origin plus a comma-separated allow-list, e.g. {@code https://chat.example.com,
     * http://localhost:3000}; {@code *} allows any origin; null or blank means none.
     *
     * @throws IllegalArgumentException naming the entry that is not an origin
     */
    public static OriginPolicy parse(String allowList) {
        if (allowList == null || allowList.isBlank()) {
            return sameOriginOnly();
        }
        boolean any = false;
        Set<String> allowed = new LinkedHashSet<>();
        for (String entry : allowList.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (trimmed.equals("*")) {
                any = true;
                continue;
            }
            String normalised = normaliseOrigin(trimmed);
            if (normalised == null) {
                throw new IllegalArgumentException("allowed origin \"" + forLog(trimmed)
                        + "\" is not scheme://host[:port] (or *)");
            }
            allowed.add(normalised);
        }
        return new OriginPolicy(any, allowed);
    }

    /**
     * Whether a handshake with this {@code Origin} header (null when absent) to a request with
     * this {@code Host} header (null when absent) may proceed.
     */
    public boolean allows(String origin, String host) {
        if (origin == null) {
            return true;
        }
        if (anyOrigin) {
            return true;
        }
        String normalised = normaliseOrigin(origin.strip());
        if (normalised == null) {
            return false;
        }
        if (allowed.contains(normalised)) {
            return true;
        }
        return host != null && authorityOf(normalised).equals(normaliseHost(host.strip(), portOf(normalised)));
    }

    /** For the start-up log: {@code same origin} or {@code same origin + [a, b]} or {@code any}. */
    public String describe() {
        if (anyOrigin) {
            return "any origin";
        }
        return allowed.isEmpty() ? "same origin only" : "same origin + " + new ArrayList<>(allowed);
    }

    /** A header value safe for one log line: printable ASCII only, at most {@value #LOGGED_CHARS} characters. */
    public static String forLog(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), LOGGED_CHARS + 1));
        for (int i = 0; i < value.length() && out.length() < LOGGED_CHARS; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        if (value.length() > LOGGED_CHARS) {
            out.append('…');
        }
        return out.toString();
    }

    /** {@code scheme://host:port} with the port made explicit and lower case, or null if not an origin. */
    private static String normaliseOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme();
        String host = uri.getHost();
        if (scheme == null || host == null || uri.getRawUserInfo() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(scheme);
        if (port < 0) {
            return null;
        }
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** {@code host:port} of a Host header, the port defaulting to the origin's, or null when malformed. */
    private static String normaliseHost(String host, int defaultPort) {
        URI uri;
        try {
            uri = new URI("x://" + host);
        } catch (URISyntaxException e) {
            return null;
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || !uri.getRawPath().isEmpty()) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort;
        return uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static String authorityOf(String normalisedOrigin) {
        return normalisedOrigin.substring(normalisedOrigin.indexOf("://") + 3);
    }

    private static int portOf(String normalisedOrigin) {
        return Integer.parseInt(normalisedOrigin.substring(normalisedOrigin.lastIndexOf(':') + 1));
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
    }

    @Override
    public String toString() {
        return describe();
    }
}
