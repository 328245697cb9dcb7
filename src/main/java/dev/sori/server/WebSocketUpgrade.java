package dev.sori.server;

import dev.sori.websocket.ChatEndpoint;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChain;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.ByteBufferArray;
import org.glassfish.grizzly.utils.IdleTimeoutFilter;
import org.glassfish.tyrus.container.grizzly.client.TaskProcessor;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;
import org.glassfish.tyrus.core.CloseReasons;
import org.glassfish.tyrus.spi.ReadHandler;
import org.glassfish.tyrus.spi.ServerContainer;

/**
 * Tyrus's WebSocket filter on the listener (what {@code WebSocketAddOn} installs), with one change:
 * once a connection is upgraded it leaves the HTTP filter chain for a short one of its own,
 * transport, then TLS if the port has it, then WebSocket frames.
 *
 * <p>Why: in the HTTP chain an upgraded request never ends, so Grizzly's HTTP codec keeps it (the
 * parsed headers, the parser's state and the response: about 7.7 KiB) as the connection's
 * request in progress for as long as the WebSocket lives; and every frame read or written walked
 * the HTTP codec, file cache, handshake-deadline and origin filters, none of which has anything
 * to do once the connection speaks WebSocket. With 10,000 idle connections that request was about
 * 40 % of the live heap.
 *
 * <p>The frame chain does what {@link GrizzlyServerFilter} does after a handshake, with the same
 * per-connection Tyrus connection and task processor (Grizzly attributes are shared by name).
 *
 * <p>Every byte read passes a {@link FrameHeaderGuard} first: a frame RFC 6455 tells the server to
 * refuse (unmasked, over the size limit, a bad control frame) is closed from its header, before
 * Tyrus sees any of it.
 *
 * <p>This also drops Grizzly's {@link IdleTimeoutFilter}: with the keep-alive timeout off (it
 * would close idle WebSockets, tyrus#465) it only kept a record of every connection forever, and
 * {@link HandshakeDeadlines} times idle HTTP connections instead.
 */
final class WebSocketUpgrade implements AddOn {
    private static final Attribute<org.glassfish.tyrus.spi.Connection> TYRUS_CONNECTION =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(GrizzlyServerFilter.class.getName() + ".Connection");
    private static final Attribute<TaskProcessor> TASK_PROCESSOR =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(TaskProcessor.class.getName() + ".TaskProcessor");
    private static final Attribute<FrameHeaderGuard> GUARD =
            Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(FrameHeaderGuard.class.getName());
    private static final System.Logger LOG = System.getLogger(WebSocketUpgrade.class.getName());

    private final ServerContainer container;
    private final String contextPath;

    WebSocketUpgrade(ServerContainer container, String contextPath) {
        this.container = container;
        this.contextPath = contextPath;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int idle = builder.indexOfType(IdleTimeoutFilter.class);
        if (idle >= 0) {
            builder.remove(idle);
        }
        // Everything below the HTTP codec (the transport, and TLS on a secure port) carries frames too.
        int codec = builder.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class);
        FilterChainBuilder frames = FilterChainBuilder.stateless();
        for (int i = 0; i < codec; i++) {
            frames.add(builder.get(i));
        }
        frames.add(new FrameFilter());
        // Where WebSocketAddOn puts Tyrus's filter: after the codec's filters, before the HTTP handlers.
        int handlers = builder.indexOfType(org.glassfish.grizzly.http.server.HttpServerFilter.class);
        builder.add(handlers, new HandshakeFilter(container, contextPath, frames.build()));
    }

    /** Tyrus's handshake; on success, moves the connection to the frame chain. */
    static final class HandshakeFilter extends GrizzlyServerFilter {
        private final FilterChain frameChain;

        HandshakeFilter(ServerContainer container, String contextPath, FilterChain frameChain) {
            super(container, contextPath);
            this.frameChain = frameChain;
        }

        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            boolean upgraded = TYRUS_CONNECTION.isSet(connection);
            NextAction next = super.handleRead(ctx);
            if (!upgraded && TYRUS_CONNECTION.isSet(connection)) {
                // The 101 response is already encoded and queued; what follows is frames only.
                // Reads and closes from now on go to the frame chain, and the HTTP codec's request
                // in progress and the HTTP chain's state are no longer referenced by anything.
                connection.setProcessor(frameChain);
                connection.getAttributes().removeAttribute(org.glassfish.grizzly.http.HttpServerFilter.HTTP_SERVER_REQUEST_ATTR_NAME);
                HttpChainStates.forget(connection);
            }
            return next;
        }
    }

    /** Hands the bytes of an upgraded connection to Tyrus, as {@link GrizzlyServerFilter} does after a handshake. */
    static final class FrameFilter extends BaseFilter {
        @Override
        public NextAction handleRead(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            org.glassfish.tyrus.spi.Connection tyrus = TYRUS_CONNECTION.get(connection);
            TaskProcessor tasks = TASK_PROCESSOR.get(connection);
            Buffer buffer = ctx.getMessage();
            if (tyrus == null || tasks == null || !buffer.hasRemaining()) {
                return ctx.getStopAction(); // closed meanwhile
            }
            FrameHeaderGuard guard = GUARD.get(connection);
            if (guard == null) {
                guard = new FrameHeaderGuard(ChatEndpoint.MAX_FRAME_BYTES);
                GUARD.set(connection, guard);
            }
            if (guard.violation() != null) {
                return ctx.getStopAction(); // refused: what still arrives is dropped until TCP ends
            }
            ReadHandler reader = tyrus.getReadHandler();
            if (!buffer.isComposite()) {
                pass(guard, reader, tasks, buffer.toByteBuffer());
            } else {
                ByteBufferArray parts = buffer.toByteBufferArray();
                ByteBuffer[] array = parts.getArray();
                for (int i = 0; i < parts.size() && guard.violation() == null; i++) {
                    pass(guard, reader, tasks, array[i]);
                }
                parts.recycle();
            }
            if (guard.violation() != null) {
                tasks.processTask(new Refuse(tyrus, connection, guard.violation()));
            }
            return ctx.getStopAction();
        }

        /** Hands Tyrus the bytes the guard lets through: all, or those before a refused frame. */
        private static void pass(FrameHeaderGuard guard, ReadHandler reader, TaskProcessor tasks, ByteBuffer bytes) {
            int clean = guard.scan(bytes);
            if (clean < bytes.remaining()) {
                bytes.limit(bytes.position() + clean);
            }
            if (clean > 0) {
                tasks.processTask(new Read(reader, bytes));
            }
        }

        @Override
        public NextAction handleClose(FilterChainContext ctx) throws IOException {
            Connection<?> connection = ctx.getConnection();
            org.glassfish.tyrus.spi.Connection tyrus = TYRUS_CONNECTION.get(connection);
            TaskProcessor tasks = TASK_PROCESSOR.get(connection);
            if (tyrus != null && tasks != null) {
                tasks.processTask(new Close(tyrus, connection));
            }
            return ctx.getStopAction();
        }
    }

    private static final class Read extends TaskProcessor.Task {
        private final ReadHandler reader;
        private final ByteBuffer bytes;

        Read(ReadHandler reader, ByteBuffer bytes) {
            this.reader = reader;
            this.bytes = bytes;
        }

        @Override
        public void execute() {
            reader.handle(bytes);
        }
    }

    /** Closes with the guard's code: Tyrus sends the close frame, tells the endpoint, then ends TCP. */
    private static final class Refuse extends TaskProcessor.Task {
        private final org.glassfish.tyrus.spi.Connection tyrus;
        private final Connection<?> connection;
        private final FrameHeaderGuard.Violation violation;

        Refuse(org.glassfish.tyrus.spi.Connection tyrus, Connection<?> connection, FrameHeaderGuard.Violation violation) {
            this.tyrus = tyrus;
            this.connection = connection;
            this.violation = violation;
        }

        @Override
        public void execute() {
            LOG.log(System.Logger.Level.INFO, "refused a frame from {0}: {1}, closing with {2}",
                    connection.getPeerAddress(), violation.reason(), Integer.toString(violation.code()));
            tyrus.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(violation.code()), violation.reason()));
        }
    }

    private static final class Close extends TaskProcessor.Task {
        private final org.glassfish.tyrus.spi.Connection tyrus;
        private final Connection<?> connection;

        Close(org.glassfish.tyrus.spi.Connection tyrus, Connection<?> connection) {
            this.tyrus = tyrus;
            this.connection = connection;
        }

        @Override
        public void execute() {
            tyrus.close(CloseReasons.CLOSED_ABNORMALLY.getCloseReason());
            TYRUS_CONNECTION.remove(connection);
            TASK_PROCESSOR.remove(connection);
            GUARD.remove(connection);
        }
    }
}
