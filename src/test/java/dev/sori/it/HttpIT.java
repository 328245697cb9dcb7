package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP side of the one port: the page, its assets, {@code /healthz}, unknown paths. */
class HttpIT {
    private static final Pattern LOCAL_ASSET = Pattern.compile("(?:src|href)\\s*=\\s*[\"']([^\"'#?]+)[^\"']*[\"']",
            Pattern.CASE_INSENSITIVE);

    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theRootIsThePage() {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).containsIgnoringCase("<!doctype html").containsIgnoringCase("<title>");
    }

    /** Whatever the page refers to on this server (scripts, styles, icons) is served. */
    @Test
    void everyLocalAssetThePageRefersToIsServed() {
        String html = get("/").body();
        Set<String> assets = new LinkedHashSet<>();
        Matcher m = LOCAL_ASSET.matcher(html);
        while (m.find()) {
            String ref = m.group(1).trim();
            if (!ref.isEmpty() && !ref.contains(":") && !ref.startsWith("//")) {
                assets.add(ref);
            }
        }
        for (String asset : assets) {
            URI uri = server.base().resolve(asset);
            HttpResponse<String> response = ItSupport.get(uri);
            assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
            assertThat(response.body()).as("GET %s", uri).isNotEmpty();
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (asset.endsWith(".js") || asset.endsWith(".mjs")) {
                assertThat(type).as("type of %s", uri).contains("javascript");
            } else if (asset.endsWith(".css")) {
                assertThat(type).as("type of %s", uri).startsWith("text/css");
            }
        }
    }

    @Test
    void theIndexIsAlsoServedByName() {
        HttpResponse<String> page = get("/index.html");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo(get("/").body());
    }

    private static HttpResponse<String> get(String path) {
        return ItSupport.get(server.base(), path);
    }

    @Test
    void healthzReportsStatusConnectionsAndUptime() {
        HttpResponse<String> response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonObject health = ItSupport.parse(response.body());
        assertThat(health.getString("status")).isEqualTo("ok");
        assertThat(health.getJsonNumber("connections").isIntegral()).isTrue();
        assertThat(health.getInt("connections")).isNotNegative();
        JsonNumber uptime = health.getJsonNumber("uptimeSeconds");
        assertThat(uptime.doubleValue()).isGreaterThanOrEqualTo(0);

        // Other tests of this class share the server: let their connections finish closing first.
        ItSupport.awaitValue("connections in /healthz", 0, () -> ItSupport.healthConnections(server.base()));
        try (TestClient a = server.connect(); TestClient b = server.connect()) {
            assertThat(ItSupport.healthConnections(server.base())).isEqualTo(2);
        }
        ItSupport.awaitValue("connections in /healthz", 0, () -> ItSupport.healthConnections(server.base()));
    }

    @Test
    void healthzAnswersHeadWithoutABodyAndRefusesOtherMethodsWith405() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.base().resolve("/healthz"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(head.body()).isEmpty();

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(server.base().resolve("/healthz"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    /** HEAD on the page answers like GET, without the body (Grizzly's static handler alone said 405). */
    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/app.js", "/style.css"})
    void thePageAnswersHeadLikeGetWithoutABody(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.base().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.base().resolve(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
        assertThat(head.headers().firstValue("Cache-Control")).isEqualTo(get.headers().firstValue("Cache-Control"));
        assertThat(head.headers().firstValueAsLong("Content-Length"))
                .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void headOnAnUnknownPathRedirectsLikeGet() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(server.base().resolve("/nothing-here"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(302);
        assertThat(head.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/does-not-exist", "/some/deeper/path", "/app.jsx", "/chat/extra", "/healthz-not"})
    void anUnknownPathRedirectsToThePage(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).isEqualTo(302);
        String location = response.headers().firstValue("Location").orElseThrow();
        assertThat(server.base().resolve(location)).isEqualTo(server.base());
    }

    /**
     * A path that does not decode is the client's mistake: 400 with a line saying so, not the 500
     * (and empty body) Grizzly's handler chain gives it. Sent over a plain socket, byte for byte:
     * HTTP clients refuse to send some of these.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/%2F", "/a%2Fb", "/media/%2F", "/api/rooms/%2F/messages", "/%ZZ", "/%00",
            "/%2e%2e/%2e%2e/etc/passwd", "/healthz%"})
    void aPathThatDoesNotDecodeIsABadRequest(String path) throws Exception {
        try (Socket socket = RawHttp.connect(server.base(), Duration.ofSeconds(10))) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + server.base().getAuthority()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            assertThat(RawHttp.status(head)).as("GET %s: %s", path, head).isEqualTo(400);
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("bad request path\n");
        }
        // and the server goes on as before
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    /**
     * The JDK's HTTP client (HTTP/2 by default) sends {@code Connection: Upgrade, HTTP2-Settings}
     * and {@code Upgrade: h2c} with a plain {@code GET /}. The server answers 200 and the page,
     * but with neither Content-Type nor Content-Length (the body ends with the connection),
     * although it sends {@code X-Content-Type-Options: nosniff}. Grizzly treats any request
     * carrying {@code Upgrade} as an upgrade and skips its content modifiers on the response;
     * {@code /healthz}, which sets its type itself, is not affected. Browsers never send
     * {@code Upgrade: h2c}, so the page works for them; Java programs with the default client
     * get an untyped page.
     */
    @Test
    void thePageHasItsContentTypeAlsoWhenTheRequestOffersAnUpgrade() throws Exception {
        HttpClient http2Default = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http2Default.send(HttpRequest.newBuilder(server.base()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/html"));
    }

    @Test
    void theWebSocketIsOnlyAtChat() {
        assertThatThrownBy(() -> RawWebSocket.connect(URI.create("ws://" + server.base().getAuthority() + "/nope"), 0))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("handshake refused");
        // while the real endpoint on the same port does upgrade
        try (RawWebSocket ws = RawWebSocket.connect(server.chat(), 0)) {
            assertThat(ws.socket().isConnected()).isTrue();
        }
    }
}
