package dev.sori.http;

import dev.sori.websocket.OriginPolicy;
import java.util.Locale;
import java.util.Objects;

/**
 * Which requests the origin rule ({@link OriginPolicy}) guards, the same in both runtimes and for
 * every path of the port (routes, page, WebSocket): the WebSocket upgrade, and every method but
 * {@code GET} and {@code HEAD}. A foreign page's {@code GET} of the page or of {@code /healthz}
 * passes: it changes nothing, and without CORS headers the browser does not let that page read
 * the answer. A {@code POST} (an upload, a form) from a foreign page is a cross-site request
 * forgery in the visitor's browser, and needs no preflight when it is a simple form post; the
 * browser always sends {@code Origin} with it, so refusing a foreign one stops it. Clients that
 * send no {@code Origin} (not a browser) pass, as for the WebSocket.
 *
 * <p>Called by {@code dev.sori.server.OriginCheckFilter} (jar) and {@code dev.sori.web.OriginFilter}
 * (WAR), ahead of the routes, the static files and the container's upgrade.
 */
public final class OriginRule {
    private final OriginPolicy policy;

    public OriginRule(OriginPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** Whether a request with this method, {@code Upgrade}, {@code Origin} and {@code Host} (null when absent) gets 403. */
    public boolean refuses(String method, String upgrade, String origin, String host) {
        return guards(method, upgrade) && !policy.allows(origin, host);
    }

    /** Whether the rule looks at a request at all: an upgrade, or a method other than GET and HEAD. */
    public static boolean guards(String method, String upgrade) {
        return isWebSocketUpgrade(upgrade) || !("GET".equals(method) || "HEAD".equals(method));
    }

    /** Generous on purpose (any mention of the token): what a container upgrades must never pass unchecked. */
    public static boolean isWebSocketUpgrade(String upgrade) {
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    public OriginPolicy policy() {
        return policy;
    }
}
