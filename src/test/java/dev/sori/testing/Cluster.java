package dev.sori.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Several {@code server.jar} processes that make one chat: a fresh PostgreSQL database of their
 * own ({@link PostgresDatabase}), a private {@link RedisServer}, optionally a {@link TcpProxy}
 * between each node and Redis (so one node's link can be cut or blackholed), and the nodes, each
 * with {@code --redis-url}, {@code --cluster-name}, {@code --node-id node-<index>} and
 * {@link ServerProcess#UNLIMITED_RATE_AND_CONNECTIONS}. Nodes can be killed ({@code kill -9}),
 * stopped (SIGTERM), restarted, and added late.
 *
 * <p>{@link Builder#clustered(boolean) clustered(false)} starts independent nodes instead, each
 * on an H2 data directory of its own, without Redis: for fixtures (a load balancer) that need
 * several plain nodes, and for a server without cluster mode. {@link Builder#redis(boolean)
 * redis(false)} keeps the PostgreSQL database but leaves Redis and the cluster flags out: one
 * node as it runs today.
 *
 * <p>Skipped without PostgreSQL or redis-server, or failed when they are required
 * ({@link PostgresDatabase}, {@link ClusterTools}).
 */
public final class Cluster implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final Builder options;
    private final String name;
    private final PostgresDatabase database;
    private final RedisServer redis;
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    private Cluster(Builder options, PostgresDatabase database, RedisServer redis) {
        this.options = options;
        this.name = options.name != null ? options.name
                : "it-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        this.database = database;
        this.redis = redis;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code count} clustered nodes, each linked to Redis directly. */
    public static Cluster start(int count) {
        return builder().nodes(count).start();
    }

    public static final class Builder {
        private int count = 3;
        private boolean clustered = true;
        private boolean withRedis = true;
        private boolean proxied;
        private String name;
        private final List<String> args = new ArrayList<>();

        public Builder nodes(int count) {
            this.count = count;
            return this;
        }

        /** False: independent nodes on H2, no Redis, no PostgreSQL. */
        public Builder clustered(boolean clustered) {
            this.clustered = clustered;
            return this;
        }

        /**
         * False: the nodes share the PostgreSQL database but get no Redis and no cluster flags, as
         * one node runs today (a second one on the database refuses to start until cluster mode).
         */
        public Builder redis(boolean withRedis) {
            this.withRedis = withRedis;
            return this;
        }

        /** Each node reaches Redis through a {@link TcpProxy} of its own ({@link Node#redisLink}). */
        public Builder proxied(boolean proxied) {
            this.proxied = proxied;
            return this;
        }

        /** {@code --cluster-name}; by default a random one, so that the flag is always exercised. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Extra server arguments for every node. */
        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Cluster start() {
            PostgresDatabase db = null;
            RedisServer redis = null;
            Cluster cluster = null;
            try {
                if (clustered) {
                    if (withRedis) {
                        redis = RedisServer.startOrSkip();
                    }
                    db = PostgresDatabase.createOrSkip();
                }
                cluster = new Cluster(this, db, redis);
                if (count > 0) {
                    // The first node alone: it creates the schema on the empty database.
                    cluster.startNode();
                }
                Cluster c = cluster;
                List<CompletableFuture<Node>> rest = new ArrayList<>();
                for (int i = 1; i < count; i++) {
                    int index = i;
                    rest.add(CompletableFuture.supplyAsync(() -> c.startNode(index)));
                }
                // All of them settled before any failure is thrown: none may start after close().
                CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
                rest.forEach(CompletableFuture::join);
                return cluster;
            } catch (RuntimeException | Error e) {
                if (cluster != null) {
                    cluster.close();
                } else {
                    closeQuietly(redis);
                    closeQuietly(db);
                }
                throw e;
            }
        }
    }

    /** One server process of the cluster. */
    public final class Node {
        private final int index;
        private final TcpProxy redisLink;
        private final ServerProcess process;

        private Node(int index, TcpProxy redisLink, ServerProcess process) {
            this.index = index;
            this.redisLink = redisLink;
            this.process = process;
        }

        public int index() {
            return index;
        }

        /** {@code node-<index>}, its {@code --node-id}. */
        public String id() {
            return nodeId(index);
        }

        public ServerProcess process() {
            return process;
        }

        /** {@code ws://127.0.0.1:PORT/chat}. */
        public URI chat() {
            return process.chat();
        }

        /** {@code http://127.0.0.1:PORT/}. */
        public URI page() {
            return process.page();
        }

        /** The proxy between this node and Redis, or null when the cluster is not {@link Builder#proxied}. */
        public TcpProxy redisLink() {
            return redisLink;
        }

        public boolean isRunning() {
            return process.process().isAlive();
        }

        /** {@code kill -9}: no goodbye, no flush; waits until the process is gone. */
        public void kill() {
            process.close(); // destroyForcibly: SIGKILL on Unix
        }

        /** SIGTERM; waits for the exit and returns its code. */
        public int terminate() throws InterruptedException {
            return process.terminate(Duration.ofSeconds(30));
        }

        /** {@code GET /healthz} as JSON; fails unless the answer is 200. */
        public JsonObject health() {
            HttpResponse<String> response = get(page().resolve("/healthz"));
            if (response.statusCode() != 200) {
                throw new AssertionError(id() + ": /healthz answered " + response.statusCode() + ": " + response.body());
            }
            return parse(response.body());
        }

        /** The {@code cluster} object of {@code /healthz}, or null when there is none. */
        public JsonObject clusterHealth() {
            JsonValue c = health().get("cluster");
            return c == null || c.getValueType() != JsonValue.ValueType.OBJECT ? null : c.asJsonObject();
        }

        /** Polls {@code /healthz} until {@code wanted} holds; returns that answer. */
        public JsonObject awaitHealth(Predicate<JsonObject> wanted, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            JsonObject last = null;
            while (true) {
                try {
                    last = health();
                    if (wanted.test(last)) {
                        return last;
                    }
                } catch (RuntimeException e) {
                    // not answering right now: the deadline decides
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(id() + ": /healthz did not become as wanted within " + timeout
                            + "; last answer: " + last);
                }
                sleep(100);
            }
        }

        /** Everything the node printed, for failure messages. */
        public String output() {
            return process.output();
        }

        @Override
        public String toString() {
            return id() + " (" + page() + (isRunning() ? "" : ", stopped") + ")";
        }
    }

    /** Every node started so far, stopped ones included, by index (a restarted index after its old process). */
    public List<Node> nodes() {
        return nodes.stream().sorted(Comparator.comparingInt(Node::index)).toList();
    }

    /** The latest node with this index. */
    public Node node(int index) {
        Node found = null;
        for (Node n : nodes) {
            if (n.index == index) {
                found = n;
            }
        }
        if (found == null) {
            throw new IllegalArgumentException("no node " + index);
        }
        return found;
    }

    /** The nodes whose process is alive. */
    public List<Node> running() {
        return nodes().stream().filter(Node::isRunning).toList();
    }

    /** A late node with the next index (e.g. a fourth). */
    public Node startNode() {
        int next = nodes.stream().mapToInt(Node::index).max().orElse(-1) + 1;
        return startNode(next);
    }

    /** Starts {@code node}'s index again as a new process (same id, same Redis link, new port). */
    public Node restart(Node node) {
        if (node.isRunning()) {
            throw new IllegalStateException(node + " still runs: kill or terminate it first");
        }
        return startNode(node.index);
    }

    private Node startNode(int index) {
        TcpProxy link = null;
        if (redis != null && options.proxied) {
            link = nodes.stream().filter(n -> n.index == index).map(Node::redisLink).findFirst()
                    .orElseGet(() -> TcpProxy.to(redis.port()));
        }
        List<String> args = new ArrayList<>(ServerProcess.UNLIMITED_RATE_AND_CONNECTIONS);
        if (database != null) {
            args.addAll(database.serverArgs());
        }
        if (redis != null) {
            args.addAll(List.of("--redis-url", link != null ? link.redisUrl() : redis.url(),
                    "--cluster-name", name, "--node-id", nodeId(index)));
        }
        args.addAll(options.args);
        ServerProcess process;
        try {
            process = ServerProcess.start(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (link != null && nodes.stream().noneMatch(n -> n.index == index)) {
                link.close();
            }
            throw e;
        }
        Node node = new Node(index, link, process);
        nodes.add(node);
        return node;
    }

    /** Polls until every running node's {@code /healthz} says {@code cluster.nodes} is {@code count}. */
    public void awaitNodesSeen(int count, Duration timeout) {
        for (Node node : running()) {
            node.awaitHealth(h -> h.containsKey("cluster") && h.getJsonObject("cluster").getInt("nodes", -1) == count,
                    timeout);
        }
    }

    /** {@code --cluster-name} of the nodes. */
    public String name() {
        return name;
    }

    /** The private Redis, or null for independent nodes and {@link Builder#redis(boolean) redis(false)}. */
    public RedisServer redis() {
        return redis;
    }

    /** The nodes' database, or null for independent nodes. */
    public PostgresDatabase database() {
        return database;
    }

    /** {@code SELECT room_id, seq FROM messages}: each room's stored seqs, ascending. */
    public Map<String, List<Long>> storedSeqs() {
        if (database == null) {
            throw new IllegalStateException("independent nodes have no shared database");
        }
        return DeliveryLedger.storedSeqs(database);
    }

    /** Every node's output, for a failure message. */
    public String outputs() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append("---- ").append(n).append(" ----\n").append(n.output()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Node n : nodes) {
            closeQuietly(n.process);
        }
        for (Node n : nodes) {
            if (n.redisLink != null) {
                n.redisLink.close();
            }
        }
        closeQuietly(redis);
        closeQuietly(database);
    }

    /** {@code GET} over HTTP/1.1. */
    public static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static String nodeId(int index) {
        return "node-" + index;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing after a failure: the first failure is the one to report
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
