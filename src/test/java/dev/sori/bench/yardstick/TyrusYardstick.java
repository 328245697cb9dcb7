package dev.sori.bench.yardstick;

import dev.sori.bench.Options;
import jakarta.websocket.DeploymentException;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.server.Server;

/**
 * The third yardstick of docs/benchmarks.md: the chat of {@code src/test/bench/node-ws}, on Sori's
 * own fixed stack (Tyrus standalone on Grizzly, JSON-B), started the way Tyrus's guide starts a
 * server. Where Sori stands against it is what Sori's own code costs or saves; where it stands
 * against Node is what the stack costs before Sori's code runs.
 *
 * <pre>
 * BENCH_MAIN=dev.sori.bench.yardstick.TyrusYardstick src/test/bench/bench.sh --host 127.0.0.1 --port 0
 * SERVER=tyrus src/test/bench/suite.sh fanout memory-default connect-minute
 * </pre>
 */
public final class TyrusYardstick {
    private TyrusYardstick() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String host = options.get("host", "127.0.0.1");
        long heartbeatMs = options.getLong("heartbeat-ms", 30_000);
        Server server = start(host, options.getInt("port", 8092));
        System.out.println("listening on ws://" + host + ":" + server.getPort() + "/chat");
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        heartbeat.scheduleAtFixedRate(YardstickEndpoint::heartbeat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            heartbeat.shutdownNow();
            server.stop();
        }));
        Thread.currentThread().join();
    }

    /** The yardstick's server, started; {@code port} 0 takes any free port. */
    static Server start(String host, int port) throws DeploymentException {
        // Tyrus's Server: 0 means its default port, -1 any free one.
        Server server = new Server(host, port == 0 ? -1 : port, "/", Map.of(), YardstickEndpoint.class);
        server.start();
        return server;
    }
}
