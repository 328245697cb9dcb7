package dev.sori.http;

import java.io.IOException;

/**
 * {@code GET /readyz}: 200 while the node can serve (its database answers), 503 with the reason
 * while it cannot, both as JSON ({@link Ready}). {@code /healthz} says the process is alive; this
 * says whether to send it users, so a load balancer takes a node whose database is gone out of
 * rotation and puts it back when the database returns, without restarting it.
 */
final class ReadyRoute implements HttpRoute {
    private final Readiness readiness;

    ReadyRoute(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String problem = readiness.notReadyBecause();
        exchange.header("Cache-Control", "no-store");
        exchange.respond(problem == null ? 200 : 503, "application/json", Ready.json(problem));
    }
}
