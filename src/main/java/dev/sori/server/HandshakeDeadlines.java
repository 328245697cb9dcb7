package dev.sori.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.utils.DelayedExecutor;

/**
 * Closes a connection that is not a WebSocket and keeps the server waiting for its request: the
 * deadline is the client's, it runs while the server waits for the client's bytes.
 * <ul>
 * <li><b>Request head.</b> The request line and headers must be complete within the handshake
 *     timeout, measured from the accept (covering the TLS handshake and the upgrade request),
 *     then again from the end of each HTTP response (an idle keep-alive connection). The clock is
 *     <em>not</em> reset by the bytes a client sends, so a client that trickles its request a
 *     byte at a time (slowloris) is closed at the deadline like one that sends nothing.</li>
 * <li><b>Request body.</b> Once the head is complete and a body follows (an upload), the deadline
 *     becomes a minimum rate: in each period of the handshake timeout, at least the minimum rate
 *     times that period must arrive, or the connection is closed. A long upload at a sane rate
 *     is never cut; one that stalls, or trickles, is closed within about two periods. (Jetty's
 *     {@code MinRequestDataRate} is the same idea; nginx's {@code client_body_timeout} is an
 *     idle timeout between reads, which one byte a minute defeats.)</li>
 * <li><b>The server's turn.</b> From a complete request to the end of its response nothing is
 *     timed here: a slow answer is not the client's doing.</li>
 * </ul>
 * Once the server answers {@code 101 Switching Protocols}, the connection is a WebSocket and never
 * timed again here: idle WebSocket peers are the hub's business (pings, {@code --ping-timeout}).
 *
 * <p>The body's bytes are counted as Grizzly decodes them for the route, which reads them as they
 * come; a route that stopped reading would stop the count too (no route does).
 *
 * <p>Why not Grizzly's own timeouts: the listener's keep-alive idle timeout (its
 * {@code IdleTimeoutFilter} and the HTTP codec's keep-alive queue) must stay off, because it
 * also closes idle <em>upgraded</em> connections (tyrus#465), and it is an idle timeout, reset by
 * every byte read, which a slowloris client defeats. This filter uses the same machinery as
 * {@code IdleTimeoutFilter} (a {@link DelayedExecutor} queue: one thread checks every
 * connection's deadline a few times a second; no timer task per connection) with a deadline
 * that the client's bytes never move: only a response, or for a body, a period's worth of it.
 *
 * <p>Placed after the HTTP codec, so it sees parsed requests coming in and responses on their way out.
 */
final class HandshakeDeadlines extends BaseFilter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HandshakeDeadlines.class.getName());

    /** The connection's deadline (epoch millis), or {@link DelayedExecutor#UNSET_TIMEOUT}. */
    private static final Attribute<Long> DEADLINE = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            HandshakeDeadlines.class.getName() + ".deadline", DelayedExecutor.UNSET_TIMEOUT);
    /** Set once the connection has been upgraded to a WebSocket. */
    private static final Attribute<Boolean> UPGRADED = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            HandshakeDeadlines.class.getName() + ".upgraded", Boolean.FALSE);
    /** The request body being received, while there is one. */
    private static final Attribute<BodyProgress> BODY = Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(
            HandshakeDeadlines.class.getName() + ".body");

    private final long timeoutMillis;
    /** Bytes of request body that must arrive in each period of the timeout. */
    private final long minBodyBytes;
    private final int minBodyRate;
    private final ExecutorService thread;
    private final DelayedExecutor executor;
    private final DelayedExecutor.DelayQueue<Connection> deadlines;

    HandshakeDeadlines(Duration timeout, int minBodyRate) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the handshake timeout must be positive");
        }
        if (minBodyRate <= 0) {
            throw new IllegalArgumentException("the minimum body rate must be positive");
        }
        this.timeoutMillis = timeout.toMillis();
        this.minBodyRate = minBodyRate;
        this.minBodyBytes = Math.max(1, minBodyRate * timeoutMillis / 1000);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sori-handshake-deadlines");
            t.setDaemon(true);
            return t;
        });
        // Check often enough that a deadline is kept to within a quarter of the timeout (at most 1 s late).
        long checkMillis = Math.max(50, Math.min(1000, timeoutMillis / 4));
        this.executor = new DelayedExecutor(thread, checkMillis, TimeUnit.MILLISECONDS);
        this.deadlines = executor.createDelayQueue(this::expire, new DeadlineResolver());
        executor.start();
    }

    @Override
    public NextAction handleAccept(FilterChainContext ctx) throws IOException {
        deadlines.add(ctx.getConnection(), timeoutMillis, TimeUnit.MILLISECONDS);
        return ctx.getInvokeAction();
    }

    /** The head of a request is complete: its body, if one follows, is timed by rate; then it is the server's turn. */
    @Override
    public NextAction handleRead(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        if (UPGRADED.get(connection) || !(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)) {
            return ctx.getInvokeAction();
        }
        if (content.isLast()) {
            BODY.remove(connection);
            deadlines.remove(connection);
            return ctx.getInvokeAction();
        }
        BodyProgress body = BODY.get(connection);
        if (body == null || body.request != request) {
            body = new BodyProgress(request);
            BODY.set(connection, body);
            deadlines.add(connection, timeoutMillis, TimeUnit.MILLISECONDS); // the first period starts now
        }
        body.received.addAndGet(content.getContent().remaining());
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleWrite(FilterChainContext ctx) throws IOException {
        Connection<?> connection = ctx.getConnection();
        if (UPGRADED.get(connection)) {
            return ctx.getInvokeAction(); // WebSocket frames: the fast path
        }
        if (ctx.getMessage() instanceof HttpContent content
                && content.getHttpHeader() instanceof HttpResponsePacket response) {
            if (response.getStatus() == 101) {
                UPGRADED.set(connection, Boolean.TRUE);
                deadlines.remove(connection);
                // Grizzly passes what follows an upgrade request on as its body, one that never
                // ends: none of its progress is to be kept for the life of the WebSocket.
                BODY.remove(connection);
            } else if (content.isLast()) {
                // A response is complete: the next request must be complete within the timeout too.
                BODY.remove(connection);
                deadlines.add(connection, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }
        return ctx.getInvokeAction();
    }

    @Override
    public NextAction handleClose(FilterChainContext ctx) throws IOException {
        deadlines.remove(ctx.getConnection());
        BODY.remove(ctx.getConnection());
        return ctx.getInvokeAction();
    }

    /** The executor's thread: a period has passed without a complete request head, or with too little body. */
    private boolean expire(Connection connection) {
        if (UPGRADED.get(connection) || !connection.isOpen()) {
            return true;
        }
        BodyProgress body = BODY.get(connection);
        if (body == null) {
            LOG.log(Level.INFO, "closed connection from {0}: no complete request within {1} ms",
                    connection.getPeerAddress(), Long.toString(timeoutMillis));
            connection.closeSilently();
            return true;
        }
        long received = body.received.getAndSet(0);
        if (received >= minBodyBytes) {
            deadlines.add(connection, timeoutMillis, TimeUnit.MILLISECONDS); // the next period
            return true;
        }
        LOG.log(Level.INFO, "closed connection from {0}: request body slower than {1} bytes/s ({2} bytes in {3} ms)",
                connection.getPeerAddress(), Integer.toString(minBodyRate), Long.toString(received),
                Long.toString(timeoutMillis));
        connection.closeSilently();
        return true;
    }

    /** One request's body on its way in: the bytes of the current period, reset by the deadline thread. */
    private static final class BodyProgress {
        final HttpRequestPacket request;
        final AtomicLong received = new AtomicLong();

        BodyProgress(HttpRequestPacket request) {
            this.request = request;
        }
    }

    @Override
    public void close() {
        executor.destroy();
        thread.shutdownNow();
    }

    private static final class DeadlineResolver implements DelayedExecutor.Resolver<Connection> {
        @Override
        public boolean removeTimeout(Connection connection) {
            DEADLINE.set(connection, DelayedExecutor.UNSET_TIMEOUT);
            return true;
        }

        @Override
        public long getTimeoutMillis(Connection connection) {
            return DEADLINE.get(connection);
        }

        @Override
        public void setTimeoutMillis(Connection connection, long timeoutMillis) {
            DEADLINE.set(connection, timeoutMillis);
        }
    }
}
