package dev.sori.bench.yardstick;

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
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        String host = options.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(options.getOrDefault("port", "8092"));
        long heartbeatMs = Long.parseLong(options.getOrDefault("heartbeat-ms", "30000"));

        // Tyrus's Server: 0 means its default port, -1 any free one.
        Server server = new Server(host, port == 0 ? -1 : port, "/", Map.of(), YardstickEndpoint.class);
        server.start();
        System.out.println("listening on ws://" + host + ":" + server.getPort() + "/chat");
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        heartbeat.scheduleAtFixedRate(YardstickEndpoint::heartbeat, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            heartbeat.shutdownNow();
            server.stop();
        }));
        Thread.currentThread().join();
    }
}
