package dev.sori.server;

import dev.sori.Version;
import dev.sori.chat.Hub;
import dev.sori.web.Health;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;

/** {@code GET /healthz}: status, open connections and uptime as JSON. */
final class HealthHandler extends HttpHandler {
    private final Hub hub;

    HealthHandler(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        IgnoredUpgrades.decline(request);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader(Header.CacheControl, "no-store");
        response.getWriter().write(Health.json(hub, Version.get()));
    }
}
