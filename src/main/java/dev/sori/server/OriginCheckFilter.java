package dev.sori.server;

import dev.sori.http.OriginRule;
import dev.sori.websocket.OriginPolicy;
import java.lang.System.Logger.Level;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * Refuses what the origin rule guards ({@link OriginRule}: a WebSocket handshake, or any method
 * but GET and HEAD, on any path) from a foreign origin ({@link OriginPolicy}) with 403, before
 * Tyrus or a handler sees it: no endpoint instance, no {@code @OnOpen}, no session, no identity,
 * no route called, no request body read.
 *
 * <p>It sits in the listener's filter chain just before Tyrus's own filter, where the parsed
 * request (Origin <em>and</em> Host) is at hand. The Jakarta API's
 * {@code ServerEndpointConfig.Configurator.checkOrigin(String)} would be the portable place, but
 * it is given the Origin alone, and both Tyrus ({@code TyrusEndpointWrapper.upgrade}) and
 * Undertow call it before {@code modifyHandshake}, the first hook that sees the Host: a
 * same-origin rule cannot be written there. The WAR does the same check in a servlet filter
 * ({@code dev.sori.web.OriginFilter}).
 */
final class OriginCheckFilter extends RequestCheckFilter {
    private static final System.Logger LOG = System.getLogger(OriginCheckFilter.class.getName());

    private final OriginRule rule;

    OriginCheckFilter(OriginRule rule) {
        this.rule = rule;
    }

    @Override
    NextAction check(FilterChainContext ctx, HttpRequestPacket request) {
        String method = request.getMethod().getMethodString();
        String upgrade = request.getUpgrade();
        if (!OriginRule.guards(method, upgrade)) {
            return ctx.getInvokeAction(); // GET and HEAD: the page and /healthz are for anyone
        }
        String origin = request.getHeader("Origin");
        String host = request.getHeader(Header.Host);
        if (!rule.refuses(method, upgrade, origin, host)) {
            return ctx.getInvokeAction();
        }
        Connection<?> connection = ctx.getConnection();
        if (OriginRule.isWebSocketUpgrade(upgrade)) {
            LOG.log(Level.WARNING, "refused WebSocket handshake from {0}: origin \"{1}\" is not allowed for host \"{2}\" (403)",
                    connection.getPeerAddress(), OriginPolicy.forLog(origin), OriginPolicy.forLog(host));
        } else {
            LOG.log(Level.WARNING, "refused {0} {1} from {2}: origin \"{3}\" is not allowed for host \"{4}\" (403)",
                    OriginPolicy.forLog(method), OriginPolicy.forLog(request.getRequestURI()), connection.getPeerAddress(),
                    OriginPolicy.forLog(origin), OriginPolicy.forLog(host));
        }
        PlainRefusal.send(ctx, request, HttpStatus.FORBIDDEN_403, "origin not allowed");
        return ctx.getStopAction();
    }
}
