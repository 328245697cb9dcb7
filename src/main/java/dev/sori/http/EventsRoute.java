package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.chat.Message;
import dev.sori.chat.Room;
import dev.sori.chat.RoomEvent;
import dev.sori.chat.RoomNotFoundException;
import dev.sori.chat.UnavailableException;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import dev.sori.store.StoreException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /api/rooms/{room}/events}: the room as server-sent events, for a room without a
 * password, with no key. Each message is an event {@code message} with {@code id: <seq>} and the
 * {@code message} payload of the WebSocket as {@code data}; each join, leave and rename an event
 * {@code system} without an id. {@code Last-Event-ID} (or {@code ?since=N}) replays the stored
 * messages after it first, then the live ones, with no gap and no duplicate ({@code ChatService.watch}).
 * A comment line goes out after {@link #KEEP_ALIVE_MILLIS} without an event, so that proxies keep
 * an idle stream. The stream is a reader, not a member: presence does not count it.
 *
 * <p>Each stream has the bounded queue of a WebSocket member ({@code --max-pending-frames},
 * {@code --max-pending-bytes}); a client that stops reading is cut ({@link EventStream}).
 */
final class EventsRoute implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventsRoute.class.getName());
    /**
     * How long a stream may stay silent before a comment line; at most 25 s, which proxies'
     * usual 30-60 s idle timeouts allow. A system property for tests only, not a setting.
     */
    static final long KEEP_ALIVE_MILLIS = Math.min(25_000, Long.getLong("sori.sse.keepAliveMillis", 20_000));
    private static final long WATCH_SECONDS = 30;

    private final Hub hub;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers;
    private final ScheduledExecutorService keepAlive;

    EventsRoute(Hub hub) {
        this.hub = hub;
        AtomicInteger n = new AtomicInteger();
        // Threads only while streams are written; one whose client stopped reading blocks until
        // the container's write timeout, while its queue stays bounded.
        this.writers = Executors.newCachedThreadPool(r -> daemon(r, "sori-sse-" + n.incrementAndGet()));
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sori-sse-keepalive"));
        long tick = Math.max(10, KEEP_ALIVE_MILLIS / 2);
        keepAlive.scheduleWithFixedDelay(this::keepAlive, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Streams open now. */
    int streams() {
        return streams.size();
    }

    void handle(HttpExchange exchange, String roomId) throws IOException {
        Long since;
        try {
            since = since(exchange);
        } catch (NumberFormatException e) {
            Problem.respond(exchange, 400, ErrorCode.INVALID_ARGUMENT, "Last-Event-ID and since are a seq: a number");
            return;
        }
        Room room;
        try {
            room = hub.chat().room(roomId);
        } catch (ProtocolException e) {
            Problem.respond(exchange, 404, ErrorCode.NOT_FOUND, "no such room");
            return;
        }
        if ("HEAD".equals(exchange.method())) {
            exchange.status(200);
            headers(exchange);
            exchange.responseBody().close();
            return;
        }
        EventStream stream = new EventStream(room.id(), hub.settings().maxPendingFrames(),
                hub.settings().maxPendingBytes(), writers, this::ended);
        List<Message> backlog;
        try {
            backlog = hub.chat().watch(room, stream, since).toCompletableFuture().get(WATCH_SECONDS, TimeUnit.SECONDS);
        } catch (ProtocolException e) {
            Problem.respond(exchange, PublishRoute.status(e.code()), e.code(), e.getMessage());
            return;
        } catch (ExecutionException | CompletionException e) {
            hub.chat().unwatch(room, stream);
            Throwable cause = e.getCause();
            if (cause instanceof ProtocolException p) {
                Problem.respond(exchange, PublishRoute.status(p.code()), p.code(), p.getMessage());
            } else if (cause instanceof RoomNotFoundException) {
                Problem.respond(exchange, 404, ErrorCode.NOT_FOUND, "no such room");
            } else if (cause instanceof UnavailableException || cause instanceof StoreException) {
                Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "history cannot be read right now; try again");
            } else {
                throw new IllegalStateException("watching a room failed", cause);
            }
            return;
        } catch (TimeoutException e) {
            hub.chat().unwatch(room, stream);
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "history cannot be read right now; try again");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            hub.chat().unwatch(room, stream);
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the server is stopping");
            return;
        }
        streams.add(stream);
        exchange.status(200);
        headers(exchange);
        OutputStream body = exchange.keepOpen();
        List<RoomEvent> replay = new ArrayList<>(backlog.size());
        for (Message m : backlog) {
            replay.add(RoomEvent.of(m));
        }
        if (stream.writeBacklog(body, replay)) {
            LOG.log(Level.DEBUG, "sse: stream of room {0} opened, {1} replayed", room.id(), replay.size());
            stream.started();
        }
    }

    private static void headers(HttpExchange exchange) {
        exchange.header("Content-Type", "text/event-stream");
        exchange.header("Cache-Control", "no-store");
        exchange.header("X-Accel-Buffering", "no"); // nginx: pass each event on at once
    }

    private static Long since(HttpExchange exchange) {
        String last = exchange.header("Last-Event-ID");
        if (last != null && !last.isBlank()) {
            return Long.parseLong(last.strip());
        }
        String query = exchange.query();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("since=")) {
                    return Long.parseLong(pair.substring(6));
                }
            }
        }
        return null;
    }

    private void ended(EventStream stream, String why) {
        streams.remove(stream);
        Room room = hub.chat().findRoom(stream.room());
        if (room != null) {
            hub.chat().unwatch(room, stream);
        }
        LOG.log(Level.DEBUG, "sse: stream of room {0} closed: {1}", stream.room(), why);
    }

    private void keepAlive() {
        long now = System.nanoTime();
        long idle = TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MILLIS / 2);
        for (EventStream stream : streams) {
            stream.keepAliveIfIdle(now, idle);
        }
    }

    /** Ends every open stream (its writer closes it) and lets the threads go once they are done. */
    @Override
    public void close() {
        keepAlive.shutdownNow();
        for (EventStream stream : streams) {
            stream.end("server stopping");
        }
        writers.shutdown();
    }
}
