package dev.sori.config;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.PasswordGuard;
import dev.sori.cluster.ClusterSettings;
import dev.sori.store.StoreSettings;
import dev.sori.websocket.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every setting of Sori, in the order README.md lists them. To add one: a constant here, in
 * {@link #ALL}, where {@link SettingValues} (or {@code EdgeSettings.from}) builds it into its
 * settings record, and the regenerated tables ({@code SettingsTablesTest} says how).
 *
 * <p>The chat's and the store's defaults are their records' own; the bounds are those records'
 * limits, so that a bad value is refused here, naming the setting and where it came from.
 */
public final class Settings {
    private static final ChatSettings CHAT = ChatSettings.defaults();
    private static final int INT = Integer.MAX_VALUE;

    public static final Setting<String> HOST = Setting.of("host", ValueType.text("ADDR"), "0.0.0.0",
            "address to listen on").jarOnly();
    public static final Setting<Integer> PORT = Setting.of("port", ValueType.integer("PORT", 0, 65535), 8080,
            "port for the page and the WebSocket; `0` picks a free one").jarOnly();
    public static final Setting<Path> DATA_DIR = Setting.of("data-dir", ValueType.path("DIR"),
            StoreSettings.DEFAULT_DATA_DIR,
            "directory of the embedded H2 database, relative to the working directory; used unless a database URL is given");
    public static final Setting<String> DB_URL = Setting.of("db-url", ValueType.text("JDBC_URL"), null,
            "a PostgreSQL database instead, e.g. `jdbc:postgresql://localhost:5432/sori`");
    public static final Setting<String> DB_USER = Setting.of("db-user", ValueType.text("USER"), null,
            "its user");
    public static final Setting<String> DB_PASSWORD = Setting.of("db-password", ValueType.text("PASSWORD"), null,
            "its password (prefer the environment variable: options and system properties show in `ps`); "
                    + "logged as `***`").asSecret();
    public static final Setting<Integer> DB_POOL_SIZE = Setting.of("db-pool-size", ValueType.integer("N", 2, INT),
            StoreSettings.DEFAULT_POOL_SIZE, "database connections, the message writer's one included; on PostgreSQL "
                    + "one more holds the lock that keeps a second Sori process off the database");
    public static final Setting<String> DATASOURCE = Setting.of("datasource", ValueType.text("JNDI_NAME"), null,
            "the JNDI name of a `DataSource` the application server pools, e.g. `java:jboss/datasources/SoriDS`; "
                    + "used instead of the database settings above").warOnly();
    public static final Setting<String> REDIS_URL = Setting.of("redis-url", ValueType.text("URL"), null,
            "a Redis, `redis://HOST:PORT`, that makes this process one node of a cluster: every node on the same "
                    + "PostgreSQL database (`db-url`, or in the WAR `datasource`) and the same Redis is one chat "
                    + "(docs/deploy.md); logged as `***`, since the URL may hold a password").asSecret();
    public static final Setting<String> CLUSTER_NAME = Setting.of("cluster-name", ValueType.text("NAME"),
            ClusterSettings.DEFAULT_CLUSTER_NAME, "separates clusters that share one Redis");
    public static final Setting<String> NODE_ID = Setting.of("node-id", ValueType.text("ID"), null,
            "this node's name in logs and `/healthz`, unique in its cluster; random when not given");
    public static final Setting<Integer> MAX_MESSAGE_CHARS = Setting.of("max-message-chars",
            ValueType.integer("N", 1, INT), CHAT.maxMessageChars(),
            "longest message text, in characters; shown to clients in `welcome.limits.maxMessageChars`");
    public static final Setting<Long> MAX_UPLOAD_BYTES = Setting.of("max-upload-bytes",
            ValueType.longInteger("BYTES", 1, Long.MAX_VALUE), CHAT.maxUploadBytes(),
            "largest image upload (`POST /media`); the server stops reading there and answers `413`; shown to "
                    + "clients in `welcome.limits.maxUploadBytes`");
    public static final Setting<Integer> UPLOADS_PER_MINUTE = Setting.of("uploads-per-minute",
            ValueType.integer("N", 0, 100_000_000), CHAT.uploadsPerMinute(),
            "image uploads one identity may make per minute; beyond, `429` with `Retry-After`; `0` turns it off");
    public static final Setting<Integer> MAX_ROOM_CAPACITY = Setting.of("max-room-capacity",
            ValueType.integer("N", 2, INT), CHAT.maxRoomCapacity(),
            "largest capacity (`max`) a room may be created with");
    public static final Setting<Duration> EMPTY_ROOM_TTL = Setting.of("empty-room-ttl", ValueType.seconds(0, INT),
            CHAT.emptyRoomTtl(), "seconds a created room may stay empty before it is removed with its history; "
                    + "`0` keeps rooms until their owner deletes them");
    public static final Setting<Integer> MAX_PENDING_FRAMES = Setting.of("max-pending-frames",
            ValueType.integer("N", 1, INT), CHAT.maxPendingFrames(),
            "frames queued to one client before it is closed with 1013");
    public static final Setting<Long> MAX_PENDING_BYTES = Setting.of("max-pending-bytes",
            ValueType.longInteger("BYTES", 1, Long.MAX_VALUE), CHAT.maxPendingBytes(),
            "bytes queued to one client before it is closed with 1013");
    public static final Setting<Duration> PING_INTERVAL = Setting.of("ping-interval", ValueType.seconds(1, INT),
            CHAT.pingInterval(), "seconds of silence before the server pings a client");
    public static final Setting<Duration> PING_TIMEOUT = Setting.of("ping-timeout", ValueType.seconds(1, INT),
            CHAT.pingTimeout(), "seconds of silence before the server closes a client with 1001; "
                    + "longer than the ping interval");
    public static final Setting<Duration> SEND_TIMEOUT = Setting.of("send-timeout", ValueType.seconds(1, INT),
            CHAT.sendTimeout(), "seconds one send to a client may stay unfinished (it stopped reading, the kernel's "
                    + "buffers towards it are full) before it is closed with 1013");
    /**
     * The kernel's buffer is what absorbs a burst to a healthy reader beyond the outbox caps, so it
     * stays autotuned by default; 32768 (64 KiB in the kernel) lets a reader who stopped at 20 small
     * messages a second fill it in about 20 s, and the send timeout close it with 1013 before the
     * heartbeat closes it with 1001 (docs/benchmarks.md).
     */
    public static final Setting<Integer> SOCKET_SEND_BUFFER = Setting.of("socket-send-buffer",
            ValueType.integer("BYTES", 0, INT), 0,
            "kernel send buffer (`SO_SNDBUF`, doubled by Linux) of each connection; `0` leaves the kernel's "
                    + "autotuning (up to 4 MiB, which absorbs bursts to healthy readers). `32768` makes a client who "
                    + "stops reading fill it within seconds, so that the send timeout closes it with 1013 before the "
                    + "heartbeat closes it with 1001").jarOnly();
    public static final Setting<Integer> RATE_LIMIT = Setting.of("rate-limit", ValueType.integer("N", 0, 100_000_000),
            CHAT.rateLimit(), "frames one connection may send per second; beyond, `rate_limited`; at ten times this "
                    + "the connection is closed with 1008; `0` turns it off");
    public static final Setting<Integer> RATE_BURST = Setting.of("rate-burst", ValueType.integer("N", 0, 100_000_000),
            CHAT.rateBurst(), "frames one connection may send at once before the rate limit applies");
    public static final Setting<Integer> MAX_CONNECTIONS_PER_ADDRESS = Setting.of("max-connections-per-address",
            ValueType.integer("N", 0, INT), CHAT.maxConnectionsPerAddress(),
            "open connections from one IP address (IPv6: one /64) before the next is closed with 1013; `0` means "
                    + "no cap (behind a reverse proxy, see `trusted-proxies`)");
    public static final Setting<Integer> PASSWORD_ATTEMPTS = Setting.of("password-attempts",
            ValueType.integer("N", 0, PasswordGuard.MAX_FREE_ATTEMPTS), CHAT.passwordAttempts(),
            "wrong room passwords an identity may try (an address three times as many) before each further attempt "
                    + "must wait 1, 2, 4 … 60 s, and 15 minutes after 10 in a row; `0` turns this off");
    public static final Setting<String> ALLOWED_ORIGINS = Setting.of("allowed-origins", ValueType.text("ORIGINS"), null,
            "other pages that may open the WebSocket and send requests other than GET and HEAD: comma-separated "
                    + "`scheme://host[:port]`, or `*` for any; the page's own origin is always allowed");
    /** No default: a header a client can write is believed only from proxies the operator names. */
    public static final Setting<TrustedProxies> TRUSTED_PROXIES = Setting.of("trusted-proxies",
            ValueType.cidrs("CIDRS"), null,
            "reverse proxies and load balancers whose `X-Forwarded-For` (or `Forwarded: for=`) names the client, "
                    + "for the per-address limits and the logs: comma-separated addresses or CIDR ranges, IPv4 or IPv6, "
                    + "e.g. `10.0.0.0/8,fd00::/8`; from any other peer those headers are ignored");
    public static final Setting<Duration> HANDSHAKE_TIMEOUT = Setting.of("handshake-timeout",
            ValueType.decimalSeconds(INT), Duration.ofSeconds(10),
            "seconds a connection may take to complete its HTTP request or WebSocket upgrade (from connecting, or "
                    + "from its previous response); WebSocket connections are never affected").jarOnly();
    public static final Setting<Duration> WARM_UP = Setting.of("warm-up", ValueType.seconds(0, 600),
            Duration.ofSeconds(10),
            "seconds spent at start, before listening, running handshakes and messages through a throwaway twin of "
                    + "the chat (its own loopback port and temporary database), so that the first clients meet "
                    + "compiled code; `0` listens at once").jarOnly();
    public static final Setting<Integer> MIN_BODY_RATE = Setting.of("min-body-rate",
            ValueType.integer("BYTES", 1, INT), 1024,
            "bytes per second a request body (an upload) must average over each handshake-timeout period while it "
                    + "is being sent, or the connection is closed; a slow but steady upload is never cut").jarOnly();
    public static final Setting<String> API_KEY = Setting.of("api-key", ValueType.text("KEYS"), null,
            "keys of the HTTP publish API (`POST /api/rooms/{room}/messages`, as `Authorization: Bearer KEY`): "
                    + "comma-separated, so a new key can be handed out before the old one is removed; without one "
                    + "the publish API answers `404`; never logged").asSecret();
    public static final Setting<Path> TLS_KEYSTORE = Setting.of("tls-keystore", ValueType.path("FILE"), null,
            "a PKCS#12 file with the certificate and key: the port then serves `https://` and `wss://`").jarOnly();
    public static final Setting<String> TLS_PASSWORD = Setting.of("tls-password", ValueType.text("PASSWORD"), null,
            "the keystore's password (prefer the environment variable)").jarOnly().asSecret();
    public static final Setting<String> METRICS_TOKEN = Setting.of("metrics-token", ValueType.text("TOKEN"), null,
            "a bearer token that `/metrics` asks for (`Authorization: Bearer TOKEN`, 401 without it); without one, "
                    + "`/metrics` answers anyone who reaches it (docs/metrics.md); logged as `***`").asSecret();

    /** Every setting, in README order. */
    public static final List<Setting<?>> ALL = List.of(HOST, PORT, DATA_DIR, DB_URL, DB_USER, DB_PASSWORD,
            DB_POOL_SIZE, DATASOURCE, REDIS_URL, CLUSTER_NAME, NODE_ID, MAX_MESSAGE_CHARS, MAX_UPLOAD_BYTES,
            UPLOADS_PER_MINUTE, MAX_ROOM_CAPACITY, EMPTY_ROOM_TTL, MAX_PENDING_FRAMES,
            MAX_PENDING_BYTES, PING_INTERVAL, PING_TIMEOUT, SEND_TIMEOUT, SOCKET_SEND_BUFFER, RATE_LIMIT, RATE_BURST,
            MAX_CONNECTIONS_PER_ADDRESS, PASSWORD_ATTEMPTS, ALLOWED_ORIGINS, TRUSTED_PROXIES, HANDSHAKE_TIMEOUT,
            MIN_BODY_RATE, WARM_UP, API_KEY, TLS_KEYSTORE, TLS_PASSWORD, METRICS_TOKEN);

    /** server.jar's options. */
    public static final List<Setting<?>> JAR = ALL.stream().filter(Setting::inJar).toList();

    /** The WAR's settings. */
    public static final List<Setting<?>> WAR = ALL.stream().filter(Setting::inWar).toList();

    private Settings() {
    }
}
