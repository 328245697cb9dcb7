package dev.sori.web;

import dev.sori.chat.ChatSettings;
import dev.sori.store.StoreSettings;
import dev.sori.websocket.OriginPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The chat's settings when Sori runs as a WAR: the same ones the standalone server takes as
 * command-line options, read from system properties {@code sori.NAME} or environment variables
 * {@code SORI_NAME} (the standalone server's names). A system property wins over the environment
 * variable; neither set means the default. A value that is not a valid setting is an error: the
 * deployment fails and says which setting and where it came from, rather than running with a
 * limit nobody asked for.
 *
 * @param chat    the settings to run the chat with
 * @param store   where the chat keeps its messages, rooms and identities (batch sizes and the
 *                like also when {@code dataSource} is set)
 * @param dataSource the JNDI name of a container data source to use instead of Sori's own pool,
 *                or null
 * @param sources one line per setting given, {@code NAME=VALUE (where)}, for the start-up log
 *                (secrets shown as {@code ***})
 * @param origins which pages besides the app's own may open the WebSocket ({@code allowed-origins})
 */
public record WebAppSettings(ChatSettings chat, StoreSettings store, String dataSource, List<String> sources,
                             OriginPolicy origins) {

    /** The settings, by the name they have after {@code sori.} and (upper-cased) {@code SORI_}. */
    public static final String MAX_MESSAGE_CHARS = "max-message-chars";
    public static final String MAX_PENDING_FRAMES = "max-pending-frames";
    public static final String MAX_PENDING_BYTES = "max-pending-bytes";
    public static final String PING_INTERVAL = "ping-interval";
    public static final String PING_TIMEOUT = "ping-timeout";
    public static final String MAX_ROOM_CAPACITY = "max-room-capacity";
    public static final String EMPTY_ROOM_TTL = "empty-room-ttl";
    public static final String RATE_LIMIT = "rate-limit";
    public static final String RATE_BURST = "rate-burst";
    public static final String MAX_CONNECTIONS_PER_ADDRESS = "max-connections-per-address";
    public static final String PASSWORD_ATTEMPTS = "password-attempts";
    public static final String SEND_TIMEOUT = "send-timeout";
    public static final String DATA_DIR = "data-dir";
    public static final String DB_URL = "db-url";
    public static final String DB_USER = "db-user";
    public static final String DB_PASSWORD = "db-password";
    public static final String DB_POOL_SIZE = "db-pool-size";
    public static final String DATASOURCE = "datasource";
    public static final String ALLOWED_ORIGINS = "allowed-origins";

    public WebAppSettings {
        sources = List.copyOf(sources);
    }

    /** Reads this JVM's system properties and the process environment. */
    public static WebAppSettings fromSystem() {
        return read(System::getProperty, System::getenv);
    }

    /**
     * Reads the settings from the given lookups (name to value, null when unset).
     *
     * @throws IllegalArgumentException naming the offending setting when a value is invalid
     */
    public static WebAppSettings read(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
        Reader reader = new Reader(systemProperties, environment);
        ChatSettings defaults = ChatSettings.defaults();
        int maxMessageChars = reader.integer(MAX_MESSAGE_CHARS, defaults.maxMessageChars());
        int maxPendingFrames = reader.integer(MAX_PENDING_FRAMES, defaults.maxPendingFrames());
        long maxPendingBytes = reader.longInteger(MAX_PENDING_BYTES, defaults.maxPendingBytes());
        long pingInterval = reader.longInteger(PING_INTERVAL, defaults.pingInterval().toSeconds());
        long pingTimeout = reader.longInteger(PING_TIMEOUT, defaults.pingTimeout().toSeconds());
        int maxRoomCapacity = reader.integer(MAX_ROOM_CAPACITY, defaults.maxRoomCapacity());
        long emptyRoomTtl = reader.longInteger(EMPTY_ROOM_TTL, 0, 0);
        long rateLimit = reader.longInteger(RATE_LIMIT, defaults.rateLimit(), 0);
        long rateBurst = reader.longInteger(RATE_BURST, defaults.rateBurst(), 0);
        long maxConnectionsPerAddress = reader.longInteger(MAX_CONNECTIONS_PER_ADDRESS,
                defaults.maxConnectionsPerAddress(), 0);
        long passwordAttempts = reader.longInteger(PASSWORD_ATTEMPTS, defaults.passwordAttempts(), 0);
        long sendTimeout = reader.longInteger(SEND_TIMEOUT, defaults.sendTimeout().toSeconds());
        String dataDir = reader.string(DATA_DIR, false);
        String dbUrl = reader.string(DB_URL, false);
        String dbUser = reader.string(DB_USER, false);
        String dbPassword = reader.string(DB_PASSWORD, true);
        int dbPoolSize = reader.integer(DB_POOL_SIZE, StoreSettings.DEFAULT_POOL_SIZE);
        String dataSource = reader.string(DATASOURCE, false);
        String allowedOrigins = reader.string(ALLOWED_ORIGINS, false);
        ChatSettings chat;
        StoreSettings store;
        OriginPolicy origins;
        try {
            origins = OriginPolicy.parse(allowedOrigins);
            chat = new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes,
                    Duration.ofSeconds(pingInterval), Duration.ofSeconds(pingTimeout), defaults.maxIdentities())
                    .withRooms(maxRoomCapacity, Duration.ofSeconds(emptyRoomTtl))
                    .withRateLimit(intValue(rateLimit), rateLimit == 0 ? 0 : intValue(rateBurst))
                    .withMaxConnectionsPerAddress(intValue(maxConnectionsPerAddress))
                    .withPasswordAttempts(intValue(passwordAttempts))
                    .withSendTimeout(Duration.ofSeconds(sendTimeout));
            store = (dbUrl != null ? StoreSettings.jdbc(dbUrl, dbUser, dbPassword)
                    : StoreSettings.h2(dataDir != null ? Path.of(dataDir) : StoreSettings.DEFAULT_DATA_DIR))
                    .withPoolSize(dbPoolSize);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Sori settings " + reader.given + ": " + e.getMessage(), e);
        }
        return new WebAppSettings(chat, store, dataSource, reader.given, origins);
    }

    private static int intValue(long value) {
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a limit is too large");
        }
        return (int) value;
    }

    /** {@code sori.max-message-chars} */
    public static String propertyName(String setting) {
        return "sori." + setting;
    }

    /** {@code SORI_MAX_MESSAGE_CHARS} */
    public static String environmentName(String setting) {
        return "SORI_" + setting.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static final class Reader {
        private final UnaryOperator<String> systemProperties;
        private final UnaryOperator<String> environment;
        private final List<String> given = new ArrayList<>();

        Reader(UnaryOperator<String> systemProperties, UnaryOperator<String> environment) {
            this.systemProperties = systemProperties;
            this.environment = environment;
        }

        int integer(String setting, int defaultValue) {
            long value = longInteger(setting, defaultValue);
            if (value > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the Sori setting " + given.get(given.size() - 1) + " is too large");
            }
            return (int) value;
        }

        long longInteger(String setting, long defaultValue) {
            return longInteger(setting, defaultValue, 1);
        }

        /** A text setting, or null when unset; a secret is logged as {@code ***}. */
        String string(String setting, boolean secret) {
            Given found = lookup(setting);
            if (found == null) {
                return null;
            }
            given.add(setting + "=" + (secret ? "***" : found.value()) + " (" + found.source() + ")");
            return found.value();
        }

        long longInteger(String setting, long defaultValue, long min) {
            Given found = lookup(setting);
            if (found == null) {
                return defaultValue;
            }
            String described = setting + "=" + found.value() + " (" + found.source() + ")";
            given.add(described);
            long value;
            try {
                value = Long.parseLong(found.value());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the Sori setting " + described + " must be a whole number");
            }
            if (value < min) {
                throw new IllegalArgumentException("the Sori setting " + described
                        + (min == 1 ? " must be positive" : " must be at least " + min));
            }
            return value;
        }

        /** A setting's value and where it came from. */
        private record Given(String value, String source) {
        }

        /** The system property first, then the environment variable; null when neither is set. */
        private Given lookup(String setting) {
            String property = propertyName(setting);
            String text = trimmed(systemProperties.apply(property));
            if (text != null) {
                return new Given(text, "system property " + property);
            }
            String variable = environmentName(setting);
            text = trimmed(environment.apply(variable));
            return text == null ? null : new Given(text, "environment variable " + variable);
        }

        private static String trimmed(String value) {
            if (value == null || value.isBlank()) {
                return null; // an empty variable counts as unset, as in most shells' habits
            }
            return value.strip();
        }
    }
}
