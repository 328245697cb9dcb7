package dev.sori.http;

import dev.sori.chat.Hub;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * {@code GET /healthz}: status, version, open connections, uptime and, in a cluster, the node's
 * view of it, as JSON ({@link Health}). A degraded cluster link still answers 200: the node serves.
 */
final class HealthRoute implements HttpRoute {
    private final Hub hub;
    private final String version;
    private final Supplier<?> cluster;

    HealthRoute(Hub hub, String version, Supplier<?> cluster) {
        this.hub = hub;
        this.version = version;
        this.cluster = cluster;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.header("Cache-Control", "no-store");
        exchange.respond(200, "application/json", Health.json(hub, version, cluster.get()));
    }
}
