package dev.sori.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the node's metrics in Prometheus' text format (docs/metrics.md). With a
 * token ({@code --metrics-token}) a scrape must send {@code Authorization: Bearer TOKEN}, or gets
 * 401. The token is compared as a SHA-256 digest in constant time, so that neither its content
 * nor its length shows in the timing; it is never logged.
 */
final class MetricsRoute implements HttpRoute {
    /** Prometheus' text exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String BEARER = "Bearer ";

    private final Supplier<String> text;
    private final byte[] tokenDigest;

    /** {@code token} null or empty: no token asked. */
    MetricsRoute(Supplier<String> text, String token) {
        this.text = text;
        this.tokenDigest = token == null || token.isEmpty() ? null : digest(token);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.header("Cache-Control", "no-store");
        if (tokenDigest != null && !authorized(exchange.header("Authorization"))) {
            exchange.header("WWW-Authenticate", "Bearer realm=\"sori metrics\"");
            exchange.respond(401, "text/plain;charset=utf-8", "a bearer token is required (--metrics-token)\n");
            return;
        }
        exchange.respond(200, CONTENT_TYPE, text.get());
    }

    private boolean authorized(String authorization) {
        if (authorization == null || authorization.length() < BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(tokenDigest, digest(authorization.substring(BEARER.length()).strip()));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
