package dev.sori.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's WebSocket client: one {@link HttpClient} (one selector thread) for every
 * connection, listener callbacks on a small fixed pool. Each listener asks for unlimited
 * messages up front ({@code request(Long.MAX_VALUE)}) so that no per-message demand signalling
 * is needed.
 */
final class JdkTransport implements Transport {
    private final ExecutorService executor;
    private final HttpClient http;

    /**
     * With {@code threads} 0 the client's tasks run on whichever thread triggers them (mostly
     * its selector thread): no hand-off per frame. Otherwise on a fixed pool of that size.
     */
    JdkTransport(int threads) {
        AtomicInteger n = new AtomicInteger();
        executor = threads <= 0 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "jdk-ws-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Executor tasks = executor != null ? executor : Runnable::run;
        http = HttpClient.newBuilder().executor(tasks).connectTimeout(Duration.ofSeconds(30)).build();
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Handler handler) {
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                .buildAsync(uri, new Listener(handler)).thenApply(JdkConn::new);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final Handler handler;
        private StringBuilder partial;

        Listener(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (partial == null) {
                if (last) {
                    handler.onText(data.toString());
                    return null;
                }
                partial = new StringBuilder(data.length() * 2);
            }
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial = null;
                handler.onText(text);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            return null; // the JDK answers with a pong by itself
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            handler.onClose(statusCode, reason);
            return null; // the JDK then echoes the close
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            handler.onError(error);
        }
    }

    private static final class JdkConn implements Conn {
        private final WebSocket ws;
        // The JDK refuses a send while the previous one is outstanding: chain them.
        private CompletableFuture<?> last = CompletableFuture.completedFuture(null); // guarded by this

        JdkConn(WebSocket ws) {
            this.ws = ws;
        }

        @Override
        public synchronized void send(String text) {
            if (last.isDone()) {
                last = ws.sendText(text, true);
            } else {
                last = last.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
            }
        }

        @Override
        public synchronized void close() {
            last = last.handle((r, e) -> null).thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        }

        @Override
        public void abort() {
            ws.abort();
        }
    }
}
