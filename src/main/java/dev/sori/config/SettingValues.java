package dev.sori.config;

import dev.sori.chat.ChatSettings;
import dev.sori.cluster.ClusterSettings;
import dev.sori.store.StoreSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The settings of one run, read from their sources once: each setting's first source that has it,
 * else its default. Also where the chat's and the store's settings records are built from them,
 * for server.jar and the WAR alike.
 */
public final class SettingValues {
    private final Map<Setting<?>, Object> values;
    private final List<String> given;

    private SettingValues(Map<Setting<?>, Object> values, List<String> given) {
        this.values = values;
        this.given = List.copyOf(given);
    }

    /**
     * Reads the settings from the sources, the first that has a setting winning.
     *
     * @throws IllegalArgumentException naming the setting, its value and where it came from when a
     *                                  value is invalid (not a number, out of bounds)
     */
    public static SettingValues read(List<Setting<?>> settings, Source... sources) {
        Map<Setting<?>, Object> values = new HashMap<>();
        List<String> given = new ArrayList<>();
        for (Setting<?> setting : settings) {
            for (Source source : sources) {
                String text = source.textOf(setting);
                if (text == null) {
                    continue;
                }
                String described = setting.name() + "=" + (setting.secret() ? "***" : text) + " ("
                        + source.describe(setting) + ")";
                given.add(described);
                try {
                    values.put(setting, setting.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("invalid setting " + described + ": " + e.getMessage(), e);
                }
                break;
            }
        }
        return new SettingValues(values, given);
    }

    /** The setting's value: as given, else its default (null when it has none). */
    public <T> T get(Setting<T> setting) {
        @SuppressWarnings("unchecked") // read() put a value of the setting's own type
        T value = (T) values.get(setting);
        return value != null ? value : setting.defaultValue();
    }

    /** One line per setting given, {@code NAME=VALUE (where)}, secrets as {@code ***}: for the start-up log. */
    public List<String> given() {
        return given;
    }

    /**
     * The chat's settings.
     *
     * @throws IllegalArgumentException naming the settings given when they do not fit together
     */
    public ChatSettings chat() {
        int rateLimit = get(Settings.RATE_LIMIT);
        return explained(() -> new ChatSettings(get(Settings.MAX_MESSAGE_CHARS), get(Settings.MAX_PENDING_FRAMES),
                get(Settings.MAX_PENDING_BYTES), get(Settings.PING_INTERVAL), get(Settings.PING_TIMEOUT),
                ChatSettings.defaults().maxIdentities())
                .withRooms(get(Settings.MAX_ROOM_CAPACITY), get(Settings.EMPTY_ROOM_TTL))
                .withRateLimit(rateLimit, rateLimit == 0 ? 0 : get(Settings.RATE_BURST))
                .withMaxConnectionsPerAddress(get(Settings.MAX_CONNECTIONS_PER_ADDRESS))
                .withPasswordAttempts(get(Settings.PASSWORD_ATTEMPTS))
                .withSendTimeout(get(Settings.SEND_TIMEOUT))
                .withUploads(get(Settings.MAX_UPLOAD_BYTES), get(Settings.UPLOADS_PER_MINUTE)));
    }

    /**
     * Sori's own database: {@code db-url} when given, else H2 in {@code data-dir}.
     *
     * @throws IllegalArgumentException naming the settings given when they are not usable
     */
    public StoreSettings store() {
        String url = get(Settings.DB_URL);
        Path dataDir = get(Settings.DATA_DIR);
        return explained(() -> (url != null ? StoreSettings.jdbc(url, get(Settings.DB_USER), get(Settings.DB_PASSWORD))
                : StoreSettings.h2(dataDir)).withPoolSize(get(Settings.DB_POOL_SIZE)));
    }

    /**
     * How this process joins a cluster, or null when {@code redis-url} is not given (one node).
     *
     * @throws IllegalArgumentException when the cluster settings are invalid, or a cluster is
     *                                  asked for without a database every node can share
     */
    public ClusterSettings cluster() {
        String redis = get(Settings.REDIS_URL);
        if (redis == null) {
            return null;
        }
        if (get(Settings.DB_URL) == null && get(Settings.DATASOURCE) == null) {
            throw new IllegalArgumentException("redis-url needs a PostgreSQL database that every node shares "
                    + "(db-url, or datasource in the WAR); the embedded H2 database can be opened by one process only");
        }
        String url = get(Settings.DB_URL);
        if (url != null && !StoreSettings.isPostgreSql(url)) {
            throw new IllegalArgumentException("redis-url needs db-url to be a PostgreSQL database (jdbc:postgresql:...)");
        }
        return explained(() -> new ClusterSettings(redis, get(Settings.CLUSTER_NAME), get(Settings.NODE_ID)));
    }

    /**
     * Builds something from these settings; when that fails on their combination, the failure
     * says which settings were given and where, since any of them may be the one to fix.
     */
    public <R> R explained(Supplier<R> building) {
        try {
            return building.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Sori settings " + given + ": " + e.getMessage(), e);
        }
    }
}
