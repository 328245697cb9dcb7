package dev.sori.testing;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.ChatStorage;
import dev.sori.chat.Hub;
import dev.sori.server.EdgeSettings;
import dev.sori.server.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The real standalone server (Grizzly + Tyrus), started in the test's JVM on a free port of
 * 127.0.0.1. Use one at a time: endpoints find their hub through a process-wide registry.
 */
public final class RunningServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final Hub hub;
    private final StandaloneServer server;
    private final URI base;

    private RunningServer(Hub hub, StandaloneServer server) {
        this.hub = hub;
        this.server = server;
        this.base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    }

    public static RunningServer start() {
        return start(ChatSettings.defaults());
    }

    /**
     * The default settings without the request rate limit: for tests that post faster than a
     * person can (see {@link ChatSettings#withRateLimit}); every other test runs with the defaults.
     */
    public static RunningServer startWithoutRateLimit() {
        return start(ChatSettings.defaults().withRateLimit(0, 0));
    }

    public static RunningServer start(ChatSettings settings) {
        return start(new Hub(settings, "test"));
    }

    /** On the given storage, e.g. a faulty one ({@link FaultyMessageLog}). */
    public static RunningServer start(ChatSettings settings, ChatStorage storage) {
        return start(new Hub(settings, "test", storage));
    }

    /** With the given edge settings, e.g. a small socket send buffer. */
    public static RunningServer start(ChatSettings settings, EdgeSettings edge) {
        return start(new Hub(settings, "test"), edge);
    }

    private static RunningServer start(Hub hub) {
        return start(hub, EdgeSettings.defaults());
    }

    private static RunningServer start(Hub hub, EdgeSettings edge) {
        try {
            return new RunningServer(hub, StandaloneServer.start("127.0.0.1", 0, hub, edge));
        } catch (IOException e) {
            hub.close();
            throw new UncheckedIOException(e);
        }
    }

    public Hub hub() {
        return hub;
    }

    /** {@code http://127.0.0.1:PORT/} */
    public URI base() {
        return base;
    }

    /** {@code ws://127.0.0.1:PORT/chat} */
    public URI chat() {
        return URI.create("ws://" + base.getAuthority() + "/chat");
    }

    public TestClient connect() {
        return TestClient.connect(chat());
    }

    public HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.close();
        server.close();
    }
}
