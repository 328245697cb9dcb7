package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.media.MediaLibrary;
import dev.sori.protocol.ErrorCode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * {@code /api/rooms/{room}/...}: the HTTP API of a room, one prefix route ({@link Routes} has no
 * path parameters) that picks the endpoint by the path's last part: {@code messages} (POST, a
 * program publishes: {@link PublishRoute}), {@code moderation} (POST, the server moderates:
 * {@link ModerationRoute}) and {@code events} (GET, server-sent events: {@link EventsRoute}).
 * Without an API key configured, {@code messages} and {@code moderation} answer {@code 404} as if
 * they did not exist; {@code events} needs no key.
 */
final class RoomsApi implements HttpRoute, AutoCloseable {
    static final String PREFIX = "/api/rooms/";

    private final ApiKeys keys;
    private final PublishRoute publish;
    private final ModerationRoute moderation;
    private final EventsRoute events;

    RoomsApi(Hub hub, ApiKeys keys, MediaLibrary media) {
        this.keys = keys;
        this.publish = new PublishRoute(hub, keys, media);
        this.moderation = new ModerationRoute(hub, keys);
        this.events = new EventsRoute(hub);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String rest = exchange.path().substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            notFound(exchange);
            return;
        }
        String room = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
        String what = rest.substring(slash + 1);
        String method = exchange.method();
        switch (what) {
            case "messages" -> {
                if (!keys.configured()) {
                    notFound(exchange);
                } else if ("POST".equals(method)) {
                    publish.handle(exchange, room);
                } else {
                    notAllowed(exchange, "POST");
                }
            }
            case "moderation" -> {
                if (!keys.configured()) {
                    notFound(exchange);
                } else if ("POST".equals(method)) {
                    moderation.handle(exchange, room);
                } else {
                    notAllowed(exchange, "POST");
                }
            }
            case "events" -> {
                if ("GET".equals(method) || "HEAD".equals(method)) {
                    events.handle(exchange, room);
                } else {
                    notAllowed(exchange, "GET, HEAD");
                }
            }
            default -> notFound(exchange);
        }
    }

    @Override
    public void close() {
        events.close();
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        Problem.respond(exchange, 404, ErrorCode.NOT_FOUND, "no such endpoint");
    }

    private static void notAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.header("Allow", allow);
        exchange.respond(405, "text/plain;charset=utf-8", "method not allowed\n");
    }
}
