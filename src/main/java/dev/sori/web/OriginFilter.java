package dev.sori.web;

import dev.sori.http.OriginRule;
import dev.sori.websocket.OriginPolicy;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;

/**
 * The WAR's origin check, on every path ({@link OriginRule}): a WebSocket handshake, or a request
 * with any method but GET and HEAD, from a foreign origin ({@link OriginPolicy}) gets 403 and
 * never reaches the container's WebSocket implementation or a route, so no session,
 * {@code @OnOpen} or identity exists for it and no request body is read.
 *
 * <p>A servlet filter because that is where both servers let an application see the whole
 * handshake request before the upgrade: Payara's Tyrus and WildFly's Undertow both implement
 * the upgrade as a servlet filter of their own on {@code /*}, and {@link SoriWebApp} registers
 * this one ahead of every other ({@code isMatchAfter = false}). The Jakarta WebSocket hook,
 * {@code Configurator.checkOrigin}, is given only the Origin, not the Host that a same-origin
 * rule needs (the standalone server has the same check in its Grizzly filter chain).
 */
public final class OriginFilter implements Filter {
    private static final System.Logger LOG = System.getLogger(OriginFilter.class.getName());

    private final OriginRule rule;

    public OriginFilter(OriginRule rule) {
        this.rule = rule;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse out) {
            String method = http.getMethod();
            String upgrade = http.getHeader("Upgrade");
            String origin = http.getHeader("Origin");
            String host = http.getHeader("Host");
            if (rule.refuses(method, upgrade, origin, host)) {
                if (OriginRule.isWebSocketUpgrade(upgrade)) {
                    LOG.log(Level.WARNING, "refused WebSocket handshake from {0}: origin \"{1}\" is not allowed for host \"{2}\" (403)",
                            http.getRemoteAddr(), OriginPolicy.forLog(origin), OriginPolicy.forLog(host));
                } else {
                    LOG.log(Level.WARNING, "refused {0} {1} from {2}: origin \"{3}\" is not allowed for host \"{4}\" (403)",
                            OriginPolicy.forLog(method), OriginPolicy.forLog(http.getRequestURI()), http.getRemoteAddr(),
                            OriginPolicy.forLog(origin), OriginPolicy.forLog(host));
                }
                byte[] body = "origin not allowed\n".getBytes(StandardCharsets.US_ASCII);
                out.setStatus(HttpServletResponse.SC_FORBIDDEN);
                out.setContentType("text/plain;charset=us-ascii");
                out.setContentLength(body.length);
                out.setHeader("Connection", "close");
                out.getOutputStream().write(body);
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
