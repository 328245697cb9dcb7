package dev.sori.bench;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.glassfish.grizzly.threadpool.ThreadPoolConfig;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientProperties;

/**
 * Tyrus's client on one shared Grizzly container: one selector thread and a small worker pool
 * for every connection.
 */
final class TyrusTransport implements Transport {
    private final ClientManager client;
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tyrus-connect");
        t.setDaemon(true);
        return t;
    });

    TyrusTransport(int threads) {
        client = ClientManager.createClient(GrizzlyClientContainer.class.getName());
        client.getProperties().put(ClientProperties.SHARED_CONTAINER, true);
        client.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT, 30_000L);
        client.getProperties().put(GrizzlyClientProperties.SELECTOR_THREAD_POOL_CONFIG,
                ThreadPoolConfig.defaultConfig().setPoolName("tyrus-selector").setCorePoolSize(1).setMaxPoolSize(1)
                        .setDaemon(true));
        client.getProperties().put(GrizzlyClientProperties.WORKER_THREAD_POOL_CONFIG,
                ThreadPoolConfig.defaultConfig().setPoolName("tyrus-worker").setCorePoolSize(threads)
                        .setMaxPoolSize(threads).setDaemon(true));
    }

    @Override
    public String name() {
        return "tyrus";
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Handler handler) {
        CompletableFuture<Conn> opened = new CompletableFuture<>();
        Endpoint endpoint = new Endpoint() {
            @Override
            public void onOpen(Session session, EndpointConfig config) {
                session.setMaxIdleTimeout(0);
                session.addMessageHandler(String.class, (MessageHandler.Whole<String>) handler::onText);
                opened.complete(new TyrusConn(session));
            }

            @Override
            public void onClose(Session session, CloseReason reason) {
                handler.onClose(reason.getCloseCode().getCode(), reason.getReasonPhrase());
            }

            @Override
            public void onError(Session session, Throwable failure) {
                handler.onError(failure);
            }
        };
        try {
            Future<Session> f = client.asyncConnectToServer(endpoint, ClientEndpointConfig.Builder.create().build(), uri);
            waiters.execute(() -> {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    opened.completeExceptionally(e.getCause());
                } catch (Exception e) {
                    opened.completeExceptionally(e);
                }
            });
        } catch (Exception e) {
            opened.completeExceptionally(e);
        }
        return opened;
    }

    @Override
    public void close() {
        waiters.shutdownNow();
        client.shutdown();
    }

    private static final class TyrusConn implements Conn {
        private final Session session;

        TyrusConn(Session session) {
            this.session = session;
        }

        @Override
        public void send(String text) {
            session.getAsyncRemote().sendText(text);
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (IOException e) {
                // already gone
            }
        }

        @Override
        public void abort() {
            close();
        }
    }
}
