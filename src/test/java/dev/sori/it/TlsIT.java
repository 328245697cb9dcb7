package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code --tls-keystore}: the one port serves {@code https://} and {@code wss://}. The certificate
 * is made for this run with the JDK's {@code keytool} (for 127.0.0.1 and localhost); the clients
 * trust exactly that certificate, and check the host name against it as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    /** Distinctive, so that the test can tell it never appears in the server's output. */
    private static final String PASSWORD = "kestrel-" + Long.toHexString(System.nanoTime());

    private Path keystore;
    private HttpClient https;
    private ServerProcess server;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(
                Paths.get(System.getProperty("sori.targetDir", "target"), "test-data")), "tls-");
        keystore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "sori", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        https = HttpClient.newBuilder().sslContext(trusting(keystore)).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        // The password through the environment, as the README recommends (options show in ps).
        server = ServerProcess.start(Map.of("SORI_TLS_PASSWORD", PASSWORD), "--tls-keystore", keystore.toString(),
                "--handshake-timeout", "2");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theWarmUpSpeaksTlsWithTheServersOwnKeystore() throws Exception {
        try (ServerProcess warmed = ServerProcess.start(Map.of("SORI_TLS_PASSWORD", PASSWORD),
                "--tls-keystore", keystore.toString(), "--warm-up", "3")) {
            String output = warmed.awaitOutput(Duration.ofSeconds(5), "warmed up in", "listening:");
            java.util.regex.Matcher done = java.util.regex.Pattern.compile("warmed up in \\d+ ms: (\\d+) handshakes")
                    .matcher(output);
            assertThat(done.find()).as(output).isTrue();
            assertThat(Long.parseLong(done.group(1))).as("TLS handshakes and upgrades on the twin").isPositive();
            assertThat(output).doesNotContain("WARNING").doesNotContain(PASSWORD);
            assertThat(get(warmed.page()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theServerAnnouncesHttpsAndWssUrls() {
        assertThat(server.page().getScheme()).isEqualTo("https");
        assertThat(server.chat().getScheme()).isEqualTo("wss");
        assertThat(server.output()).doesNotContain(PASSWORD);
    }

    @Test
    void thePageAndHealthAreServedOverHttps() throws Exception {
        HttpResponse<String> page = get(server.page());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body().toLowerCase()).contains("<title>");

        HttpResponse<String> health = get(server.page().resolve("/healthz"));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ItSupport.parse(health.body()).getString("status")).isEqualTo("ok");
    }

    @Test
    void twoClientsChatOverWss() {
        String ownOrigin = "https://" + server.page().getAuthority();
        try (TestClient a = TestClient.connect(https, server.chat(), Map.of("Origin", ownOrigin));
             TestClient b = TestClient.connect(https, server.chat(), Map.of())) {
            assertThat(a.welcome().getString("sid")).isNotBlank();
            JsonObject ack = a.ack("new_message", TestClient.quote("over tls"), "t1").asJsonObject();
            assertThat(ack.getJsonNumber("seq").longValue()).isPositive();
            JsonObject seen = b.next("message").getJsonObject("payload");
            assertThat(seen.getString("text")).isEqualTo("over tls");
            assertThat(seen.getJsonNumber("seq").longValue()).isEqualTo(ack.getJsonNumber("seq").longValue());
        }
    }

    @Test
    void plainHttpToTheTlsPortDoesNotGetThePage() {
        URI plain = URI.create("http://" + server.page().getAuthority() + "/");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        String outcome;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(15)).build(),
                    HttpResponse.BodyHandlers.ofString());
            outcome = response.statusCode() + " " + response.body();
        } catch (IOException e) {
            outcome = "refused: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertThat(outcome).doesNotContain("<title>").doesNotStartWith("200");
    }

    @Test
    void aConnectionThatNeverStartsTheTlsHandshakeIsClosedAtTheDeadline() throws Exception {
        try (Socket socket = RawHttp.connect(server.page(), Duration.ofSeconds(15))) {
            long started = System.nanoTime();
            assertThat(RawHttp.closedByServer(socket)).as("closed by the server").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2 + 4));
        }
    }

    @Test
    void aMissingKeystoreStopsTheServerWithOneClearLine() throws Exception {
        Path missing = keystore.resolveSibling("no-such.p12");
        ServerProcess.Exited failure = ServerProcess.runToExit(Map.of("SORI_TLS_PASSWORD", PASSWORD), "--tls-keystore", missing.toString());

        assertThat(failure.code()).isNotZero();
        assertThat(failure.output()).contains("TLS keystore " + missing + " does not exist");
        assertThat(failure.output()).doesNotContain("\tat ", "Exception", PASSWORD, "listening");
    }

    @Test
    void aWrongPasswordStopsTheServerWithOneClearLine() throws Exception {
        String wrong = "not-" + PASSWORD;
        ServerProcess.Exited failure = ServerProcess.runToExit(Map.of(), "--tls-keystore", keystore.toString(), "--tls-password", wrong);

        assertThat(failure.code()).isNotZero();
        assertThat(failure.output()).contains("cannot open TLS keystore " + keystore + ": wrong password");
        assertThat(failure.output()).doesNotContain("\tat ", "Exception", wrong, "listening");
    }

    @Test
    void aFileThatIsNoKeystoreStopsTheServerWithOneClearLine() throws Exception {
        Path garbage = keystore.resolveSibling("garbage.p12");
        Files.writeString(garbage, "this is not PKCS#12\n");
        ServerProcess.Exited failure = ServerProcess.runToExit(Map.of(), "--tls-keystore", garbage.toString(), "--tls-password", "x");

        assertThat(failure.code()).isNotZero();
        assertThat(failure.output()).contains("cannot open TLS keystore " + garbage);
        assertThat(failure.output()).doesNotContain("\tat ", "listening");
    }

    // ---- helpers ----

    private HttpResponse<String> get(URI uri) throws Exception {
        return https.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + output);
        }
    }

    /** An SSL context that trusts only the certificate in the test keystore. */
    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore source = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            source.load(in, PASSWORD.toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("sori", source.getCertificate("sori"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
