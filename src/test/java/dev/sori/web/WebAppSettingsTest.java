package dev.sori.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.chat.ChatSettings;
import dev.sori.config.Settings;
import dev.sori.websocket.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class WebAppSettingsTest {

    private static UnaryOperator<String> none() {
        return name -> null;
    }

    private static UnaryOperator<String> of(Map<String, String> values) {
        return values::get;
    }

    @Test
    void nothingSetMeansTheStandaloneDefaults() {
        WebAppSettings settings = WebAppSettings.read(none(), none());

        assertThat(settings.chat()).isEqualTo(ChatSettings.defaults());
        assertThat(settings.sources()).isEmpty();
    }

    @Test
    void theTrustedProxiesComeFromTheSystemPropertyOrTheVariableAndDefaultToNone() {
        assertThat(WebAppSettings.read(none(), none()).trustedProxies()).isSameAs(TrustedProxies.NONE);
        assertThat(WebAppSettings.read(of(Map.of("sori.trusted-proxies", "10.0.0.0/8, fd00::/8")), none())
                .trustedProxies().toString()).isEqualTo("10.0.0.0/8,fd00::/8");
        assertThat(WebAppSettings.read(none(), of(Map.of("SORI_TRUSTED_PROXIES", "192.0.2.7")))
                .trustedProxies().toString()).isEqualTo("192.0.2.7/32");
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.trusted-proxies", "lb.internal")), none()))
                .hasMessage("invalid setting trusted-proxies=lb.internal (system property sori.trusted-proxies): "
                        + "\"lb.internal\" is not an IP address or CIDR range (e.g. 10.0.0.0/8, 192.0.2.7, fd00::/8)");
    }

    @Test
    void readsEverySettingFromSystemProperties() {
        WebAppSettings settings = WebAppSettings.read(of(Map.of(
                "sori.max-message-chars", "100",
                "sori.max-pending-frames", "500",
                "sori.max-pending-bytes", "65536",
                "sori.ping-interval", "5",
                "sori.ping-timeout", "12",
                "sori.send-timeout", "7")), none());

        ChatSettings chat = settings.chat();
        assertThat(chat.maxMessageChars()).isEqualTo(100);
        assertThat(chat.maxPendingFrames()).isEqualTo(500);
        assertThat(chat.maxPendingBytes()).isEqualTo(65536);
        assertThat(chat.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(chat.pingTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(chat.sendTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(chat.maxIdentities()).isEqualTo(ChatSettings.defaults().maxIdentities());
        assertThat(settings.sources()).contains("max-pending-frames=500 (system property sori.max-pending-frames)");
    }

    @Test
    void readsEverySettingFromTheStandaloneServersEnvironmentVariables() {
        WebAppSettings settings = WebAppSettings.read(none(), of(Map.of(
                "SORI_MAX_MESSAGE_CHARS", "100",
                "SORI_MAX_PENDING_FRAMES", "500",
                "SORI_MAX_PENDING_BYTES", "65536",
                "SORI_PING_INTERVAL", "5",
                "SORI_PING_TIMEOUT", "12",
                "SORI_SEND_TIMEOUT", "9")));

        assertThat(settings.chat()).isEqualTo(new ChatSettings(100, 500, 65536, Duration.ofSeconds(5),
                Duration.ofSeconds(12), ChatSettings.defaults().maxIdentities())
                .withSendTimeout(Duration.ofSeconds(9)));
        assertThat(settings.sources()).contains("max-message-chars=100 (environment variable SORI_MAX_MESSAGE_CHARS)");
    }

    @Test
    void aSystemPropertyWinsOverTheEnvironment() {
        WebAppSettings settings = WebAppSettings.read(
                of(Map.of("sori.max-message-chars", "300")),
                of(Map.of("SORI_MAX_MESSAGE_CHARS", "100", "SORI_MAX_PENDING_FRAMES", "7")));

        assertThat(settings.chat().maxMessageChars()).isEqualTo(300);
        assertThat(settings.chat().maxPendingFrames()).isEqualTo(7);
    }

    @Test
    void blankValuesCountAsUnsetAndValuesAreTrimmed() {
        WebAppSettings settings = WebAppSettings.read(
                of(Map.of("sori.max-message-chars", "  ", "sori.max-pending-frames", " 42 ")),
                of(Map.of("SORI_MAX_MESSAGE_CHARS", "")));

        assertThat(settings.chat().maxMessageChars()).isEqualTo(ChatSettings.DEFAULT_MAX_MESSAGE_CHARS);
        assertThat(settings.chat().maxPendingFrames()).isEqualTo(42);
    }

    @Test
    void theNamesFollowTheStandaloneServer() {
        assertThat(Settings.MAX_PENDING_BYTES.systemProperty()).isEqualTo("sori.max-pending-bytes");
        assertThat(Settings.MAX_PENDING_BYTES.environmentVariable()).isEqualTo("SORI_MAX_PENDING_BYTES");
        assertThat(Settings.PING_INTERVAL.environmentVariable()).isEqualTo("SORI_PING_INTERVAL");
    }

    @Test
    void aValueThatIsNotANumberFailsNamingTheSettingAndItsSource() {
        assertThatThrownBy(() -> WebAppSettings.read(none(), of(Map.of("SORI_MAX_PENDING_FRAMES", "lots"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-pending-frames=lots")
                .hasMessageContaining("SORI_MAX_PENDING_FRAMES")
                .hasMessageContaining("whole number");
    }

    @Test
    void zeroNegativeAndOversizedValuesFail() {
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.max-message-chars", "0")), none()))
                .hasMessageContaining("sori.max-message-chars").hasMessageContaining("positive");
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.ping-interval", "-5")), none()))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.max-message-chars", "3000000000")), none()))
                .hasMessageContaining("too large");
    }

    @Test
    void aPingTimeoutNotLongerThanTheIntervalFails() {
        assertThatThrownBy(() -> WebAppSettings.read(
                of(Map.of("sori.ping-interval", "30", "sori.ping-timeout", "30")), none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ping-interval=30")
                .hasMessageContaining("ping timeout must be longer");
    }

    @Test
    void readsTheAbuseLimitsWhereZeroMeansOff() {
        WebAppSettings settings = WebAppSettings.read(of(Map.of(
                "sori.rate-limit", "5",
                "sori.rate-burst", "9",
                "sori.max-connections-per-address", "0",
                "sori.password-attempts", "4")), none());

        ChatSettings chat = settings.chat();
        assertThat(chat.rateLimit()).isEqualTo(5);
        assertThat(chat.rateBurst()).isEqualTo(9);
        assertThat(chat.maxConnectionsPerAddress()).isZero();
        assertThat(chat.passwordAttempts()).isEqualTo(4);

        ChatSettings off = WebAppSettings.read(none(), of(Map.of("SORI_RATE_LIMIT", "0", "SORI_PASSWORD_ATTEMPTS", "0")))
                .chat();
        assertThat(off.rateLimit()).isZero();
        assertThat(off.passwordAttempts()).isZero();
        assertThat(ChatSettings.defaults()).extracting(ChatSettings::rateLimit, ChatSettings::rateBurst,
                ChatSettings::maxConnectionsPerAddress, ChatSettings::passwordAttempts).containsExactly(20, 40, 64, 3);

        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.rate-limit", "-1")), none()))
                .hasMessageContaining("sori.rate-limit");
    }

    @Test
    void allowedOriginsDefaultToTheOwnOriginOnlyAndAreReadLikeTheOthers() {
        assertThat(WebAppSettings.read(none(), none()).origins().allows("http://evil.example", "chat.example.com"))
                .isFalse();

        WebAppSettings settings = WebAppSettings.read(none(),
                of(Map.of("SORI_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000")));
        assertThat(settings.origins().allows("https://app.example.com", "chat.example.com")).isTrue();
        assertThat(settings.origins().allows("http://localhost:3000", "chat.example.com")).isTrue();
        assertThat(settings.origins().allows("http://evil.example", "chat.example.com")).isFalse();
        assertThat(settings.sources()).contains(
                "allowed-origins=https://app.example.com, http://localhost:3000 (environment variable SORI_ALLOWED_ORIGINS)");
    }

    @Test
    void anAllowedOriginThatIsNotAnOriginFailsNamingTheSetting() {
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.allowed-origins", "app.example.com")), none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed-origins=app.example.com (system property sori.allowed-origins)")
                .hasMessageContaining("not scheme://host[:port]");
    }

    @Test
    void theDatabaseSettingsMakeTheStoreSettingsAndThePasswordIsNeverShown() {
        WebAppSettings settings = WebAppSettings.read(of(Map.of("sori.db-url", "jdbc:postgresql://db:5432/sori",
                "sori.db-user", "sori", "sori.db-pool-size", "4")), of(Map.of("SORI_DB_PASSWORD", "hunter2")));

        assertThat(settings.store().effectiveJdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/sori");
        assertThat(settings.store().user()).isEqualTo("sori");
        assertThat(settings.store().password()).isEqualTo("hunter2");
        assertThat(settings.store().poolSize()).isEqualTo(4);
        assertThat(settings.sources()).contains("db-password=*** (environment variable SORI_DB_PASSWORD)")
                .noneMatch(line -> line.contains("hunter2"));
        assertThat(settings.dataSource()).isNull();

        assertThat(WebAppSettings.read(none(), none()).store().dataDir()).isEqualTo(Path.of("data"));
        assertThat(WebAppSettings.read(none(), of(Map.of("SORI_DATA_DIR", "/var/lib/sori"))).store().dataDir())
                .isEqualTo(Path.of("/var/lib/sori"));
        assertThat(WebAppSettings.read(of(Map.of("sori.datasource", "java:jboss/datasources/ExampleDS")), none())
                .dataSource()).isEqualTo("java:jboss/datasources/ExampleDS");
    }

    @Test
    void aPoolOfOneOrARoomOfOneFailsNamingTheSetting() {
        assertThatThrownBy(() -> WebAppSettings.read(of(Map.of("sori.db-pool-size", "1")), none()))
                .hasMessage("invalid setting db-pool-size=1 (system property sori.db-pool-size): must be at least 2");
        assertThatThrownBy(() -> WebAppSettings.read(none(), of(Map.of("SORI_MAX_ROOM_CAPACITY", "1"))))
                .hasMessageContaining("SORI_MAX_ROOM_CAPACITY").hasMessageContaining("must be at least 2");
    }

    @Test
    void theStandaloneServersOwnSettingsAreNotRead() {
        WebAppSettings settings = WebAppSettings.read(of(Map.of("sori.port", "abc")),
                of(Map.of("SORI_TLS_KEYSTORE", "/nowhere.p12", "SORI_HANDSHAKE_TIMEOUT", "-1")));

        assertThat(settings.sources()).isEmpty();
    }
}
