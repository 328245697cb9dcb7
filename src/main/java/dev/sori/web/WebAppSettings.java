package dev.sori.web;

import dev.sori.chat.ChatSettings;
import dev.sori.cluster.ClusterSettings;
import dev.sori.config.SettingValues;
import dev.sori.config.Settings;
import dev.sori.config.Source;
import dev.sori.http.ApiKeys;
import dev.sori.store.StoreSettings;
import dev.sori.websocket.OriginPolicy;
import dev.sori.websocket.TrustedProxies;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The chat's settings when Sori runs as a WAR: {@link Settings#WAR}, the standalone server's
 * settings but for its sockets, read from system properties {@code sori.NAME} or environment
 * variables {@code SORI_NAME} (the standalone server's names). A system property wins over the
 * environment variable; neither set means the default. A value that is not a valid setting is an
 * error: the deployment fails and says which setting and where it came from, rather than running
 * with a limit nobody asked for.
 *
 * @param chat    the settings to run the chat with
 * @param store   where the chat keeps its messages, rooms and identities (batch sizes and the
 *                like also when {@code dataSource} is set)
 * @param dataSource the JNDI name of a container data source to use instead of Sori's own pool,
 *                or null
 * @param sources one line per setting given, {@code NAME=VALUE (where)}, for the start-up log
 *                (secrets shown as {@code ***})
 * @param origins which pages besides the app's own may open the WebSocket ({@code allowed-origins})
 * @param cluster how this deployment joins a cluster ({@code redis-url}), null for a single node
 * @param trustedProxies whose {@code X-Forwarded-For} / {@code Forwarded} name the client
 *                ({@code trusted-proxies})
 * @param metricsToken the bearer token {@code /metrics} asks for ({@code metrics-token}), null for none
 * @param apiKeys the keys of the HTTP publish API ({@code api-key}), {@link ApiKeys#NONE} for none
 */
public record WebAppSettings(ChatSettings chat, StoreSettings store, String dataSource, List<String> sources,
                             OriginPolicy origins, ClusterSettings cluster, TrustedProxies trustedProxies,
                             String metricsToken, ApiKeys apiKeys) {

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
        SettingValues values = SettingValues.read(Settings.WAR, Source.systemProperties(systemProperties),
                Source.environment(environment));
        OriginPolicy origins = values.explained(() -> OriginPolicy.parse(values.get(Settings.ALLOWED_ORIGINS)));
        return new WebAppSettings(values.chat(), values.store(), values.get(Settings.DATASOURCE), values.given(),
                origins, values.cluster(),
                Objects.requireNonNullElse(values.get(Settings.TRUSTED_PROXIES), TrustedProxies.NONE),
                values.get(Settings.METRICS_TOKEN), ApiKeys.parse(values.get(Settings.API_KEY)));
    }
}
