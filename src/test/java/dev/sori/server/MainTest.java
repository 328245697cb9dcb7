package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.config.Setting;
import dev.sori.config.SettingValues;
import dev.sori.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** server.jar's command line as picocli makes it from {@link Settings}: nothing here starts a server. */
class MainTest {

    private static UnaryOperator<String> environment(Map<String, String> variables) {
        return variables::get;
    }

    private static SettingValues parse(Map<String, String> env, String... args) {
        CommandLine commandLine = Main.commandLine(environment(env));
        commandLine.parseArgs(args);
        return ((Main) commandLine.getCommand()).settings();
    }

    /** A run that fails before it opens anything: its exit code and what it printed. */
    private record Run(int exitCode, String out, String err) {
    }

    private static Run execute(Map<String, String> env, String... args) {
        CommandLine commandLine = Main.commandLine(environment(env));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionOfServerJarWithItsVariableDefaultAndDoc() {
        Run help = execute(Map.of(), "--help");

        assertThat(help.exitCode()).isZero();
        String text = help.out().replaceAll("\\s+", " ");
        for (Setting<?> setting : Settings.JAR) {
            assertThat(text).contains(setting.option(), "[" + setting.environmentVariable() + "]");
        }
        assertThat(text).contains("--max-message-chars=N").contains("Longest message text, in characters")
                .contains("[SORI_PORT] (default: 8080)").contains("[SORI_HANDSHAKE_TIMEOUT] (default: 10)")
                .contains("Every option can also be set by the environment variable")
                .doesNotContain("--datasource").doesNotContain("`");
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        SettingValues values = parse(Map.of("SORI_PORT", "9000", "SORI_MAX_MESSAGE_CHARS", "300"),
                "--port", "9001", "--data-dir", "/tmp/sori-data");

        assertThat(values.get(Settings.PORT)).isEqualTo(9001);
        assertThat(values.get(Settings.MAX_MESSAGE_CHARS)).isEqualTo(300);
        assertThat(values.get(Settings.DATA_DIR)).isEqualTo(Path.of("/tmp/sori-data"));
        assertThat(values.get(Settings.HOST)).isEqualTo("0.0.0.0");
        assertThat(values.chat().maxMessageChars()).isEqualTo(300);
        assertThat(values.given()).containsExactly("port=9001 (option --port)",
                "data-dir=/tmp/sori-data (option --data-dir)",
                "max-message-chars=300 (environment variable SORI_MAX_MESSAGE_CHARS)");
    }

    @Test
    void theWarsOwnSettingsAreNotReadFromTheEnvironment() {
        SettingValues values = parse(Map.of("SORI_DATASOURCE", "java:jboss/datasources/ExampleDS"));

        assertThat(values.get(Settings.DATASOURCE)).isNull();
        assertThat(values.given()).isEmpty();
    }

    @Test
    void everySettingTakesItsDocumentedDefault() {
        SettingValues values = parse(Map.of());

        assertThat(values.chat()).isEqualTo(dev.sori.chat.ChatSettings.defaults());
        EdgeSettings edge = EdgeSettings.from(values);
        assertThat(edge).usingRecursiveComparison().isEqualTo(EdgeSettings.defaults());
        assertThat(values.store().effectiveJdbcUrl()).contains(Path.of("data").toAbsolutePath().toString());
        assertThat(values.store().poolSize()).isEqualTo(8);
    }

    @Test
    void theEdgeSettingsComeFromTheirOptions() {
        EdgeSettings edge = EdgeSettings.from(parse(Map.of("SORI_ALLOWED_ORIGINS", "https://app.example.com"),
                "--handshake-timeout", "0.25", "--socket-send-buffer", "32768"));

        assertThat(edge.handshakeTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(edge.socketSendBuffer()).isEqualTo(32768);
        assertThat(edge.origins().allows("https://app.example.com", "chat.example.com")).isTrue();
        assertThat(edge.tls()).isNull();
    }

    @Test
    void aBadValueExitsWith2AndSaysWhichOptionAndWhy() {
        Run bad = execute(Map.of(), "--port", "abc");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines().findFirst()).hasValue(
                "invalid setting port=abc (option --port): must be a whole number");
        assertThat(bad.err()).contains("Usage: sori");

        assertThat(execute(Map.of(), "--port", "70000").err())
                .startsWith("invalid setting port=70000 (option --port): is too large (at most 65535)");
        assertThat(execute(Map.of(), "--max-room-capacity", "1").err())
                .startsWith("invalid setting max-room-capacity=1 (option --max-room-capacity): must be at least 2");
        assertThat(execute(Map.of(), "--handshake-timeout", "0").err())
                .startsWith("invalid setting handshake-timeout=0 (option --handshake-timeout): must be at least 0.001");
    }

    @Test
    void aBadVariableSaysWhichVariable() {
        Run bad = execute(Map.of("SORI_MAX_PENDING_FRAMES", "0"));

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("invalid setting max-pending-frames=0 "
                + "(environment variable SORI_MAX_PENDING_FRAMES): must be positive");
    }

    @Test
    void settingsThatDoNotFitTogetherExitWith2NamingThem() {
        Run bad = execute(Map.of(), "--ping-interval", "30", "--ping-timeout", "10");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines().findFirst()).hasValue("invalid Sori settings [ping-interval=30 (option "
                + "--ping-interval), ping-timeout=10 (option --ping-timeout)]: the ping timeout must be longer "
                + "than the ping interval");
    }

    @Test
    void secretsAreNeverShown() {
        Run bad = execute(Map.of("SORI_DB_PASSWORD", "hunter2"), "--db-url", "postgresql://nope", "--tls-password",
                "swordfish");

        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("db-password=*** (environment variable SORI_DB_PASSWORD)")
                .contains("tls-password=*** (option --tls-password)").contains("jdbcUrl must start with jdbc:")
                .doesNotContain("hunter2").doesNotContain("swordfish");
    }
}
