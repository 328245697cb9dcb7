package dev.sori.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3 description of the HTTP API, a static file kept
 * beside this class ({@code openapi.json}) and checked against the server's real answers by
 * {@code OpenApiIT}.
 */
final class OpenApiRoute implements HttpRoute {
    static final String PATH = "/api/openapi.json";
    private final byte[] document;

    OpenApiRoute() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing beside " + OpenApiRoute.class.getName());
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.status(200);
        exchange.header("Content-Type", "application/json");
        exchange.header("Content-Length", Integer.toString(document.length));
        exchange.header("Cache-Control", "no-cache");
        exchange.header("Access-Control-Allow-Origin", "*"); // API viewers on other origins may read it
        try (OutputStream out = exchange.responseBody()) {
            if (!"HEAD".equals(exchange.method())) {
                out.write(document);
            }
        }
    }
}
