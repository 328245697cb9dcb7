package dev.sori.http;

import dev.sori.chat.Hub;
import java.io.IOException;

/** {@code GET /healthz}: status, version, open connections and uptime as JSON ({@link Health}). */
final class HealthRoute implements HttpRoute {
    private final Hub hub;
    private final String version;

    HealthRoute(Hub hub, String version) {
        this.hub = hub;
        this.version = version;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.header("Cache-Control", "no-store");
        exchange.respond(200, "application/json", Health.json(hub, version));
    }
}
