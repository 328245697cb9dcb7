package dev.sori.server;

import dev.sori.Version;
import dev.sori.chat.ChatSettings;
import dev.sori.chat.Hub;
import dev.sori.store.DatabaseChatStorage;
import dev.sori.store.Storage;
import dev.sori.store.StoreSettings;
import dev.sori.websocket.OriginPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar server.jar}: the standalone Sori server. */
@Command(name = "sori", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Sori, a real-time chat server: the page and the /chat WebSocket on one port.",
                "Every option can also be set by the environment variable shown in brackets."})
public final class Main implements Callable<Integer> {
    static {
        Logging.configure(); // before the first logger exists: it picks the log manager
    }

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    @Option(names = "--host", paramLabel = "ADDR", defaultValue = "${env:SORI_HOST:-0.0.0.0}",
            description = "Address to listen on [SORI_HOST] (default: ${DEFAULT-VALUE}, every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:SORI_PORT:-8080}",
            description = "Port for the page and the WebSocket; 0 picks a free one [SORI_PORT] (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-message-chars", paramLabel = "N", defaultValue = "${env:SORI_MAX_MESSAGE_CHARS:-2000}",
            description = "Longest message text, in characters [SORI_MAX_MESSAGE_CHARS] (default: ${DEFAULT-VALUE}).")
    int maxMessageChars;

    @Option(names = "--max-pending-frames", paramLabel = "N", defaultValue = "${env:SORI_MAX_PENDING_FRAMES:-1000}",
            description = "Frames queued to one client before it is closed with 1013 [SORI_MAX_PENDING_FRAMES] (default: ${DEFAULT-VALUE}).")
    int maxPendingFrames;

    @Option(names = "--max-pending-bytes", paramLabel = "BYTES", defaultValue = "${env:SORI_MAX_PENDING_BYTES:-1048576}",
            description = "Bytes queued to one client before it is closed with 1013 [SORI_MAX_PENDING_BYTES] (default: ${DEFAULT-VALUE}).")
    long maxPendingBytes;

    @Option(names = "--send-timeout", paramLabel = "SECONDS", defaultValue = "${env:SORI_SEND_TIMEOUT:-20}",
            description = "Close a client with 1013 when one send to it stays unfinished this long (it stopped reading) "
                    + "[SORI_SEND_TIMEOUT] (default: ${DEFAULT-VALUE}).")
    long sendTimeoutSeconds;

    /**
     * SO_SNDBUF per connection; 0 leaves Linux's autotuning (up to 4 MiB). The kernel's buffer
     * is what absorbs a burst to a healthy reader beyond the outbox caps, so it stays large by
     * default; 32768 (64 KiB in the kernel) lets a reader who stopped at 20 small messages a second
     * fill it in about 20 s, and --send-timeout close it with 1013 before the heartbeat closes it
     * with 1001 (docs/benchmarks.md).
     */
    @Option(names = "--socket-send-buffer", paramLabel = "BYTES", defaultValue = "${env:SORI_SOCKET_SEND_BUFFER:-0}",
            description = "Kernel send buffer (SO_SNDBUF) of each connection, e.g. 32768 to notice a client who stopped reading "
                    + "within a minute; 0 leaves the kernel's autotuning "
                    + "[SORI_SOCKET_SEND_BUFFER] (default: ${DEFAULT-VALUE}).")
    int socketSendBuffer;

    @Option(names = "--ping-interval", paramLabel = "SECONDS", defaultValue = "${env:SORI_PING_INTERVAL:-25}",
            description = "Ping a connection silent for this long [SORI_PING_INTERVAL] (default: ${DEFAULT-VALUE}).")
    int pingIntervalSeconds;

    @Option(names = "--ping-timeout", paramLabel = "SECONDS", defaultValue = "${env:SORI_PING_TIMEOUT:-60}",
            description = "Close a connection silent for this long, pings unanswered [SORI_PING_TIMEOUT] (default: ${DEFAULT-VALUE}).")
    int pingTimeoutSeconds;

    @Option(names = "--max-room-capacity", paramLabel = "N", defaultValue = "${env:SORI_MAX_ROOM_CAPACITY:-1000}",
            description = "Largest capacity a room may be created with [SORI_MAX_ROOM_CAPACITY] (default: ${DEFAULT-VALUE}).")
    int maxRoomCapacity;

    @Option(names = "--empty-room-ttl", paramLabel = "SECONDS", defaultValue = "${env:SORI_EMPTY_ROOM_TTL:-0}",
            description = "Remove a created room, with its history, once it has been empty this long; "
                    + "0 keeps rooms until their owner deletes them [SORI_EMPTY_ROOM_TTL] (default: ${DEFAULT-VALUE}).")
    long emptyRoomTtlSeconds;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "${env:SORI_RATE_LIMIT:-20}",
            description = "Frames one connection may send per second, sustained; beyond, rate_limited, and at 10 times "
                    + "this (and the burst) the connection is closed with 1008; 0 turns it off [SORI_RATE_LIMIT] (default: ${DEFAULT-VALUE}).")
    int rateLimit;

    @Option(names = "--rate-burst", paramLabel = "N", defaultValue = "${env:SORI_RATE_BURST:-40}",
            description = "Frames one connection may send at once before --rate-limit applies [SORI_RATE_BURST] (default: ${DEFAULT-VALUE}).")
    int rateBurst;

    @Option(names = "--max-connections-per-address", paramLabel = "N", defaultValue = "${env:SORI_MAX_CONNECTIONS_PER_ADDRESS:-64}",
            description = "Open connections from one IP address (an IPv6 /64) before the next is closed with 1013; "
                    + "0 means no cap [SORI_MAX_CONNECTIONS_PER_ADDRESS] (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--password-attempts", paramLabel = "N", defaultValue = "${env:SORI_PASSWORD_ATTEMPTS:-3}",
            description = "Wrong room passwords an identity may try (an address three times as many) before each further "
                    + "attempt must wait, doubling up to 60 s, then 15 minutes after 7 more; 0 turns this off "
                    + "[SORI_PASSWORD_ATTEMPTS] (default: ${DEFAULT-VALUE}).")
    int passwordAttempts;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:SORI_DATA_DIR:-data}",
            description = "Directory of the embedded H2 database, used unless --db-url is given [SORI_DATA_DIR] (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL", defaultValue = "${env:SORI_DB_URL}",
            description = "A PostgreSQL (or H2) database instead of the embedded one, e.g. jdbc:postgresql://localhost:5432/sori [SORI_DB_URL].")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", defaultValue = "${env:SORI_DB_USER}",
            description = "Database user [SORI_DB_USER].")
    String dbUser;

    @Option(names = "--db-password", paramLabel = "PASSWORD", defaultValue = "${env:SORI_DB_PASSWORD}",
            description = "Database password; prefer the environment variable, which other users cannot see in ps [SORI_DB_PASSWORD].")
    String dbPassword;

    @Option(names = "--db-pool-size", paramLabel = "N", defaultValue = "${env:SORI_DB_POOL_SIZE:-8}",
            description = "Database connections, the message writer's one included [SORI_DB_POOL_SIZE] (default: ${DEFAULT-VALUE}).")
    int dbPoolSize;

    @Option(names = "--allowed-origins", paramLabel = "ORIGINS", defaultValue = "${env:SORI_ALLOWED_ORIGINS}",
            description = "Pages of other origins that may open the WebSocket, comma-separated scheme://host[:port], "
                    + "or * for any; the page's own origin is always allowed [SORI_ALLOWED_ORIGINS].")
    String allowedOrigins;

    @Option(names = "--handshake-timeout", paramLabel = "SECONDS", defaultValue = "${env:SORI_HANDSHAKE_TIMEOUT:-10}",
            description = "Close a connection that has not completed its request or WebSocket upgrade this long after "
                    + "connecting (or after its previous response) [SORI_HANDSHAKE_TIMEOUT] (default: ${DEFAULT-VALUE}).")
    double handshakeTimeoutSeconds;

    @Option(names = "--tls-keystore", paramLabel = "FILE", defaultValue = "${env:SORI_TLS_KEYSTORE}",
            description = "A PKCS#12 file with the certificate and key: the port then serves https:// and wss:// "
                    + "[SORI_TLS_KEYSTORE].")
    Path tlsKeystore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD", defaultValue = "${env:SORI_TLS_PASSWORD}",
            description = "The keystore's password; prefer the environment variable [SORI_TLS_PASSWORD].")
    String tlsPassword;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ChatSettings settings;
        try {
            settings = new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes,
                    Duration.ofSeconds(pingIntervalSeconds), Duration.ofSeconds(pingTimeoutSeconds),
                    ChatSettings.defaults().maxIdentities())
                    .withRooms(maxRoomCapacity, Duration.ofSeconds(emptyRoomTtlSeconds))
                    .withRateLimit(rateLimit, rateLimit == 0 ? 0 : rateBurst)
                    .withMaxConnectionsPerAddress(maxConnectionsPerAddress)
                    .withPasswordAttempts(passwordAttempts)
                    .withSendTimeout(Duration.ofSeconds(sendTimeoutSeconds));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        EdgeSettings edge;
        try {
            edge = EdgeSettings.defaults().withOrigins(OriginPolicy.parse(allowedOrigins))
                    .withHandshakeTimeout(Duration.ofMillis(Math.round(handshakeTimeoutSeconds * 1000)))
                    .withSocketSendBuffer(socketSendBuffer);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (tlsKeystore != null) {
            try {
                edge = edge.withTls(TlsKeystore.load(tlsKeystore, tlsPassword == null ? null : tlsPassword.toCharArray()));
            } catch (TlsKeystore.InvalidKeystoreException e) {
                // One line, no stack trace: the operator has a file or a password to fix.
                System.err.println("sori: " + e.getMessage());
                return 2;
            }
        }
        StoreSettings storeSettings = (dbUrl == null || dbUrl.isBlank() ? StoreSettings.h2(dataDir)
                : StoreSettings.jdbc(dbUrl, dbUser, dbPassword)).withPoolSize(dbPoolSize);
        DatabaseChatStorage storage = new DatabaseChatStorage(Storage.open(storeSettings), dbPoolSize - 1);
        Hub hub = new Hub(settings, Version.get(), storage.chatStorage());
        StandaloneServer server;
        try {
            server = StandaloneServer.start(host, port, hub, edge);
        } catch (IOException | RuntimeException e) {
            hub.close();
            storage.close();
            throw e;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.log(System.Logger.Level.INFO, "shutting down");
            hub.close(); // every session gets 1001 before the listener goes
            server.close();
            storage.close(); // every accepted message is committed (or failed) before exit
            stopped.countDown();
        }, "sori-shutdown"));

        InetSocketAddress bound = server.address();
        String shownHost = isWildcard(host) ? "localhost" : bound.getHostString();
        if (shownHost.contains(":")) {
            shownHost = "[" + shownHost + "]";
        }
        String authority = shownHost + ":" + bound.getPort();
        // One line, stable format: scripts and tests read the URLs from it.
        String s = server.secure() ? "s" : "";
        System.out.println("Sori " + Version.get() + " listening: page http" + s + "://" + authority + "/ websocket ws"
                + s + "://" + authority + "/chat");
        LOG.log(System.Logger.Level.INFO, "WebSocket origins: {0}; handshake timeout {1} ms{2}", edge.origins(),
                Long.toString(edge.handshakeTimeout().toMillis()), edge.tls() == null ? "" : "; TLS from " + edge.tls().file());
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Sori " + Version.get()};
        }
    }
}
