package dev.sori.server;

import dev.sori.Version;
import dev.sori.chat.Hub;
import dev.sori.http.OriginRule;
import dev.sori.http.Routes;
import dev.sori.websocket.ChatEndpoint;
import dev.sori.websocket.ClientAddresses;
import dev.sori.websocket.CurrentHub;
import dev.sori.websocket.RawFrameWriters;
import jakarta.websocket.DeploymentException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ConnectionProbe;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.grizzly.nio.NIOConnection;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.ssl.SSLEngineConfigurator;
import org.glassfish.grizzly.strategies.WorkerThreadIOStrategy;
import org.glassfish.tyrus.container.grizzly.server.GrizzlyServerFilter;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * One Grizzly listener that serves the page, the HTTP {@link Routes} ({@code /healthz}, through
 * {@link GrizzlyRoutes}) and, through Tyrus's WebSocket filter ({@link WebSocketUpgrade}), the
 * {@code /chat} WebSocket endpoint on the same port.
 *
 * <p>We build the {@link HttpServer} ourselves instead of using Tyrus's {@code Server}, which
 * makes its own listener, binds every interface and serves static files only from a folder.
 *
 * <p>The edge ({@link EdgeSettings}) is in the same filter chain: {@link OriginCheckFilter} refuses
 * foreign-origin handshakes and state-changing requests before Tyrus or a handler sees them,
 * {@link HandshakeDeadlines} closes connections that do not complete a request or upgrade in time
 * (or whose request body stops arriving), and with a keystore the listener speaks TLS.
 */
public final class StandaloneServer implements AutoCloseable {
    private static final String CONTEXT_PATH = "/";
    /** The most of a refused request's body read (and thrown away) so that its client gets the answer. */
    static final long REFUSED_BODY_READ_BYTES = 1024 * 1024;

    private final HttpServer http;
    private final TyrusServerContainer container;
    private final NetworkListener listener;
    private final HandshakeDeadlines deadlines;
    private final GrizzlyRoutes routes;
    private final boolean secure;

    private StandaloneServer(HttpServer http, TyrusServerContainer container, NetworkListener listener,
                             HandshakeDeadlines deadlines, GrizzlyRoutes routes, boolean secure) {
        this.routes = routes;
        this.http = http;
        this.container = container;
        this.listener = listener;
        this.deadlines = deadlines;
        this.secure = secure;
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving the hub's chat, with the default edge settings. */
    public static StandaloneServer start(String host, int port, Hub hub) throws IOException {
        return start(host, port, hub, EdgeSettings.defaults());
    }

    /** Binds {@code host:port} (port 0: any free port) and starts serving the hub's chat. */
    public static StandaloneServer start(String host, int port, Hub hub, EdgeSettings edge) throws IOException {
        return start(host, port, hub, edge, Routes.standard(hub, Version.get()));
    }

    /** The same with these HTTP routes instead of Sori's own (a test adds one of its own). */
    public static StandaloneServer start(String host, int port, Hub hub, EdgeSettings edge, Routes routes)
            throws IOException {
        CurrentHub.install(hub);
        ClientAddresses.trust(edge.trustedProxies());
        TyrusServerContainer container = new EngineContainer();
        HttpServer http = new HttpServer();
        // A route that refuses a request before reading its body (an upload over the limit, without
        // a token, over the rate, a 413) answers with Connection: close. Grizzly then reads and
        // discards what is left of the body, up to this much, before it closes; beyond, it closes
        // at once. Closing on unread bytes makes the kernel answer them with a reset, and a client
        // still sending its body (the JDK's HttpClient, browsers) then loses the refusal it was
        // about to read. Bounded like Tomcat's maxSwallowSize; the head deadline times the reading.
        http.getServerConfiguration().setMaxPayloadRemainderToSkip(REFUSED_BODY_READ_BYTES);
        NetworkListener listener = new NetworkListener("sori", host, port);
        // Grizzly's HTTP keep-alive timeout (30 s) would otherwise also close idle upgraded
        // WebSocket connections (tyrus#465); the chat's own pings decide when a peer is gone.
        listener.getKeepAlive().setIdleTimeoutInSeconds(-1);
        // Tyrus's choice: application code (and our fan-out) runs on worker threads, never on a selector.
        listener.getTransport().setIOStrategy(WorkerThreadIOStrategy.getInstance());
        if (edge.socketSendBuffer() > 0) {
            // A fixed send buffer instead of the kernel's autotuning: a reader who stops reading
            // fills it within seconds rather than minutes, so the send in flight stays unfinished
            // and --send-timeout cuts it loose; and the kernel memory a stuck peer pins is bounded.
            listener.getTransport().getConnectionMonitoringConfig().addProbes(new SendBufferSize(edge.socketSendBuffer()));
        }
        listener.registerAddOn(new WebSocketUpgrade(container, CONTEXT_PATH));
        // Fan-out frames go straight into Grizzly's write queue rather than through Tyrus's writer.
        RawFrameWriters.install(new GrizzlyFrameWriters());
        HandshakeDeadlines deadlines = new HandshakeDeadlines(edge.handshakeTimeout(), edge.minBodyRate());
        OriginCheckFilter originCheck = new OriginCheckFilter(new OriginRule(edge.origins()));
        listener.registerAddOn((ignored, chain) -> {
            // After the HTTP codec, before Tyrus's filter (added by the add-on above): both see parsed requests.
            chain.add(chain.indexOfType(GrizzlyServerFilter.class), new RequestPathFilter());
            chain.add(chain.indexOfType(GrizzlyServerFilter.class), originCheck);
            chain.add(chain.indexOfType(org.glassfish.grizzly.http.HttpServerFilter.class) + 1, deadlines);
        });
        if (edge.tls() != null) {
            // The same port then speaks only TLS: https:// for the page, wss:// for the chat.
            listener.setSecure(true);
            listener.setSSLEngineConfig(new SSLEngineConfigurator(edge.tls().sslContext(), false, false, false));
        }
        http.addListener(listener);

        GrizzlyRoutes grizzlyRoutes = new GrizzlyRoutes(routes);
        grizzlyRoutes.register(http.getServerConfiguration());
        http.getServerConfiguration().addHttpHandler(new PageHandler(), "/");
        http.getServerConfiguration().setJmxEnabled(false);
        http.getServerConfiguration().setName("Sori");

        try {
            container.addEndpoint(ChatEndpoint.class);
            container.start(CONTEXT_PATH, port);
            http.start();
        } catch (DeploymentException e) {
            http.shutdownNow();
            deadlines.close();
            grizzlyRoutes.close();
            throw new IOException("cannot deploy the chat endpoint", e);
        } catch (IOException e) {
            http.shutdownNow();
            deadlines.close();
            grizzlyRoutes.close();
            throw e;
        }
        return new StandaloneServer(http, container, listener, deadlines, grizzlyRoutes, edge.tls() != null);
    }

    /** The address actually bound (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(listener.getHost(), listener.getPort());
    }

    /** Whether the port speaks TLS ({@code https://}, {@code wss://}). */
    public boolean secure() {
        return secure;
    }

    @Override
    public void close() {
        container.stop();
        http.shutdownNow();
        deadlines.close();
        routes.close();
    }

    /** Sets SO_SNDBUF on each accepted connection (Grizzly's own setting can only raise it). */
    private static final class SendBufferSize extends ConnectionProbe.Adapter {
        private final int bytes;

        SendBufferSize(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public void onAcceptEvent(Connection serverConnection, Connection clientConnection) {
            if (clientConnection instanceof NIOConnection nio && nio.getChannel() instanceof SocketChannel channel) {
                try {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
                } catch (IOException | RuntimeException e) {
                    // the connection keeps the kernel's default
                }
            }
        }
    }

    /** A Tyrus container that only registers endpoints; the listener above does the I/O. */
    private static final class EngineContainer extends TyrusServerContainer {
        // Tyrus buffers each incoming frame up to this size (4 MiB by default) before any handler
        // sees it; twice the protocol's limit bounds that memory per connection.
        private final WebSocketEngine engine = TyrusWebSocketEngine.builder(this)
                .incomingBufferSize(2 * ChatEndpoint.MAX_FRAME_BYTES).build();

        EngineContainer() {
            super((Set<Class<?>>) null);
        }

        @Override
        public void register(Class<?> endpointClass) throws DeploymentException {
            engine.register(endpointClass, CONTEXT_PATH);
        }

        @Override
        public void register(jakarta.websocket.server.ServerEndpointConfig config) throws DeploymentException {
            engine.register(config, CONTEXT_PATH);
        }

        @Override
        public WebSocketEngine getWebSocketEngine() {
            return engine;
        }

        @Override
        public Map<String, Object> getProperties() {
            return Map.of();
        }
    }
}
