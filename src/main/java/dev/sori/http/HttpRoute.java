package dev.sori.http;

import java.io.IOException;

/**
 * One HTTP endpoint, written once: both runtimes call it, {@code server.jar} through
 * {@code dev.sori.server.GrizzlyRoutes}, the WAR through {@code dev.sori.web.RouteServlet}. It
 * runs on a worker thread and may block on the request body.
 */
@FunctionalInterface
public interface HttpRoute {
    void handle(HttpExchange exchange) throws IOException;
}
