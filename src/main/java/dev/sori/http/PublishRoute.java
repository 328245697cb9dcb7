package dev.sori.http;

import dev.sori.chat.Appended;
import dev.sori.chat.ChatService;
import dev.sori.chat.Hub;
import dev.sori.chat.Media;
import dev.sori.chat.PerKeyRate;
import dev.sori.chat.Room;
import dev.sori.chat.RoomNotFoundException;
import dev.sori.chat.UnavailableException;
import dev.sori.media.MediaLibrary;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.Requests;
import dev.sori.store.StoreException;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/rooms/{room}/messages}: a program posts into a room with an API key
 * ({@link ApiKeys}), through the same {@link ChatService#publish} a page's message takes: stored,
 * then delivered, then answered {@code 201 {"room","seq"}}; a {@code cid} the API stored before is
 * answered {@code 200} with {@code "duplicate": true} and nothing is stored or delivered again.
 *
 * <p>Each key may post 1,200 messages a minute, all at once after a quiet minute
 * (a token bucket per key, per node); beyond, {@code 429} with {@code Retry-After}.
 */
final class PublishRoute {
    private static final System.Logger LOG = System.getLogger(PublishRoute.class.getName());
    /** The largest body read; a message is at most a few KiB of JSON. */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** A system property lets tests reach the limit without 1,200 posts; not a setting. */
    static final int PER_MINUTE = Integer.getInteger("sori.api.perMinute", 1200);
    /** How long a publish waits for its commit and delivery before answering 503. */
    private static final long COMMIT_SECONDS = 30;

    private final Hub hub;
    private final ApiKeys keys;
    private final MediaLibrary media;
    private final PerKeyRate rate = new PerKeyRate(PER_MINUTE, System::nanoTime);

    PublishRoute(Hub hub, ApiKeys keys, MediaLibrary media) {
        this.hub = hub;
        this.keys = keys;
        this.media = media;
    }

    void handle(HttpExchange exchange, String roomId) throws IOException {
        int key = keys.match(exchange.header("Authorization"));
        if (key < 0) {
            // One line, never the header: a wrong key may be a right key's typo.
            LOG.log(Level.WARNING, "api: publish refused: {0} API key",
                    exchange.header("Authorization") == null ? "no" : "a wrong");
            exchange.header("WWW-Authenticate", "Bearer");
            refuse(exchange, 401, ErrorCode.FORBIDDEN, "publishing needs an API key of this server, as Bearer");
            return;
        }
        long wait = rate.take(Integer.toString(key));
        if (wait > 0) {
            exchange.header("Retry-After", Long.toString(wait));
            refuse(exchange, 429, ErrorCode.RATE_LIMITED, "too many messages with this key; try again in " + wait + " s");
            return;
        }
        if (exchange.requestLength() > MAX_BODY_BYTES) {
            refuse(exchange, 413, ErrorCode.TOO_LARGE, "the body must be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        byte[] body = exchange.requestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            refuse(exchange, 413, ErrorCode.TOO_LARGE, "the body must be at most " + MAX_BODY_BYTES + " bytes");
            return;
        }
        try {
            Requests.Publish request = Requests.Publish.from(parse(body));
            Room room = hub.chat().room(roomId);
            Media image = request.media() == null ? null : image(request.media());
            Appended appended = hub.chat().publish(request.nick(), room, request.text(), image, request.cid())
                    .toCompletableFuture().get(COMMIT_SECONDS, TimeUnit.SECONDS);
            exchange.header("Cache-Control", "no-store");
            Published answer = new Published(room.id(), appended.message().seq(),
                    appended.duplicate() ? Boolean.TRUE : null);
            exchange.respond(appended.duplicate() ? 200 : 201, "application/json", Json.write(answer));
        } catch (ExecutionException | CompletionException e) {
            answerFailure(exchange, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the message was not confirmed in time; send it "
                    + "again with the same cid");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the server is stopping");
        } catch (RuntimeException e) {
            answerFailure(exchange, e);
        }
    }

    private Media image(String id) {
        Media found = media == null ? null : media.find(id);
        if (found == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no such media");
        }
        return found;
    }

    static JsonValue parse(byte[] body) {
        try (var reader = jakarta.json.Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readValue();
        } catch (JsonException | IllegalStateException e) {
            throw ProtocolException.invalidArgument("the body must be JSON");
        }
    }

    static void answerFailure(HttpExchange exchange, Throwable failure) throws IOException {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ProtocolException p) {
            Problem.respond(exchange, status(p.code()), p.code(), p.getMessage());
        } else if (cause instanceof RoomNotFoundException) {
            Problem.respond(exchange, 404, ErrorCode.NOT_FOUND, "no such room");
        } else if (cause instanceof UnavailableException || cause instanceof StoreException) {
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "storage is unavailable; nothing was stored; "
                    + "try again shortly");
        } else if (cause instanceof RuntimeException r) {
            throw r;
        } else {
            throw new IllegalStateException("publish failed", cause);
        }
    }

    static int status(ErrorCode code) {
        return switch (code) {
            case NOT_FOUND -> 404;
            case FORBIDDEN -> 403;
            case RATE_LIMITED -> 429;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case CONFLICT, ROOM_FULL -> 409;
            default -> 400;
        };
    }

    /** A refusal before the body was read: the connection is closed rather than read to its end. */
    static void refuse(HttpExchange exchange, int status, ErrorCode code, String message) throws IOException {
        exchange.header("Connection", "close");
        Problem.respond(exchange, status, code, message);
    }

}
