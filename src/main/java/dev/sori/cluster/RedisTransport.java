package dev.sori.cluster;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link ClusterTransport} on Redis pub/sub, with Lettuce: one connection publishes, one
 * subscribes to the cluster's channel. Redis keeps nothing (no keys), so a Redis restart, flush or
 * failover costs a resync, never data.
 *
 * <p>Lettuce reconnects by itself, with jittered backoff, and resubscribes; while disconnected it
 * rejects publishes at once instead of queueing them without bound (its default). Its callbacks
 * run on Netty's event loop: they only hand the frame to the node's one receiving thread, since
 * Redis cuts a subscriber that falls behind. A link that looks up but carries nothing (a
 * blackholed network) is noticed by the node, which calls {@link #reconnect}.
 */
final class RedisTransport implements ClusterTransport {
    private static final System.Logger LOG = System.getLogger(RedisTransport.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FIRST_CONNECT = Duration.ofSeconds(10);

    private final ClusterSettings settings;
    private final byte[] channel;
    private final ClientResources resources;
    private final RedisClient client;
    private final ExecutorService receiving;
    private final ScheduledExecutorService connecting;
    private volatile Consumer<byte[]> receiver = frame -> { };
    private volatile StatefulRedisConnection<byte[], byte[]> publisher;
    private volatile StatefulRedisPubSubConnection<byte[], byte[]> subscriber;
    private volatile boolean closed;
    private final java.util.concurrent.CompletableFuture<Void> firstConnection = new java.util.concurrent.CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean attempting = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile long lastFailureLogged;

    RedisTransport(ClusterSettings settings) {
        this.settings = settings;
        this.channel = settings.channel().getBytes(StandardCharsets.UTF_8);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2) // Lettuce's minimum
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisURI uri = RedisURI.create(settings.redisUrl());
        uri.setTimeout(TIMEOUT);
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        this.receiving = Executors.newSingleThreadExecutor(daemon("sori-cluster-in"));
        this.connecting = Executors.newSingleThreadScheduledExecutor(daemon("sori-cluster-connect"));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Connects, waiting up to {@link #FIRST_CONNECT} so that a node starts connected when it can;
     * when Redis cannot be reached by then, the node starts anyway (degraded) and this keeps trying.
     */
    @Override
    public void start(Consumer<byte[]> receiver) {
        this.receiver = receiver;
        connectOrRetry(0);
        try {
            firstConnection.get(FIRST_CONNECT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.WARNING, "cluster {0}: Redis {1} not reachable yet; starting degraded and retrying",
                    settings.clusterName(), redacted());
        }
    }

    /**
     * Connects both links; when Redis cannot be reached, keeps trying in the background. One
     * attempt (and its retries) at a time: a second chain would end in a second subscription,
     * and every frame would arrive twice.
     */
    private void connectOrRetry(long delayMillis) {
        if (!attempting.compareAndSet(false, true)) {
            return; // an attempt is under way; it will get there
        }
        retry(delayMillis);
    }

    private void retry(long delayMillis) {
        try {
            connecting.schedule(() -> {
                if (closed) {
                    attempting.set(false);
                    return;
                }
                try {
                    connect();
                    attempting.set(false);
                    firstConnection.complete(null);
                    LOG.log(Level.INFO, "cluster {0}: connected to Redis {1} as {2}", settings.clusterName(),
                            redacted(), "node " + settings.nodeId());
                } catch (RuntimeException e) {
                    dropConnections(false);
                    logFailure("cannot reach Redis " + redacted() + " (" + e.getClass().getSimpleName()
                            + "); retrying");
                    retry(250 + ThreadLocalRandom.current().nextLong(750));
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            attempting.set(false); // closed
        }
    }

    private void connect() {
        dropConnections(false); // never two subscriptions: each frame would arrive twice
        StatefulRedisPubSubConnection<byte[], byte[]> sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
        subscriber = sub;
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] from, byte[] frame) {
                try {
                    receiving.execute(() -> receiver.accept(frame));
                } catch (RejectedExecutionException e) {
                    // closed
                }
            }
        });
        sub.sync().subscribe(channel);
        publisher = client.connect(ByteArrayCodec.INSTANCE);
    }

    @Override
    public void publish(byte[] frame) {
        StatefulRedisConnection<byte[], byte[]> pub = publisher;
        if (pub == null || closed) {
            return;
        }
        try {
            pub.async().publish(channel, frame).exceptionally(failure -> {
                logFailure("a publish to Redis failed (" + failure.getClass().getSimpleName() + ")");
                return 0L;
            });
        } catch (RuntimeException e) {
            logFailure("a publish to Redis failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public boolean connected() {
        StatefulRedisConnection<byte[], byte[]> pub = publisher;
        StatefulRedisPubSubConnection<byte[], byte[]> sub = subscriber;
        return pub != null && sub != null && pub.isOpen() && sub.isOpen();
    }

    @Override
    public void publishLast(byte[] frame) {
        StatefulRedisConnection<byte[], byte[]> pub = publisher;
        if (pub == null || closed) {
            return;
        }
        try {
            pub.async().publish(channel, frame).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the others will notice the silence instead
        }
    }

    @Override
    public void reconnect() {
        try {
            connecting.execute(() -> {
                if (!closed && !attempting.get()) {
                    LOG.log(Level.WARNING, "cluster {0}: Redis link silent; reconnecting", settings.clusterName());
                    connectOrRetry(0);
                }
            });
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * Forgets both connections and closes them: in the background before a new attempt (a
     * blackholed link must not hold this thread for the command timeout), and here and now on
     * {@link #close}, where the client's shutdown would otherwise find them still closing and warn
     * "Connection is already closed".
     */
    private void dropConnections(boolean wait) {
        List<StatefulConnection<byte[], byte[]>> both = new ArrayList<>(2);
        both.add(subscriber);
        both.add(publisher);
        subscriber = null;
        publisher = null;
        for (StatefulConnection<byte[], byte[]> c : both) {
            if (c == null) {
                continue;
            }
            if (!wait) {
                c.closeAsync();
                continue;
            }
            try {
                c.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
    }

    /** At most one line in 5 s: a Redis outage must not flood the log. */
    private void logFailure(String what) {
        long now = System.nanoTime();
        if (now - lastFailureLogged > TimeUnit.SECONDS.toNanos(5)) {
            lastFailureLogged = now;
            LOG.log(Level.WARNING, "cluster {0}: {1}", settings.clusterName(), what);
        }
    }

    /** The URL without credentials. */
    private String redacted() {
        RedisURI uri = RedisURI.create(settings.redisUrl());
        return uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public void close() {
        closed = true;
        connecting.shutdownNow();
        dropConnections(true);
        client.shutdown(Duration.ZERO, TIMEOUT);
        resources.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        receiving.shutdown();
    }
}
