package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.Hub;
import dev.sori.http.Route;
import dev.sori.http.Routes;
import dev.sori.server.EdgeSettings;
import dev.sori.server.StandaloneServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What server-sent events need from the HTTP layer, on the real standalone server: a route keeps
 * its response open after it returns, another thread writes to it part by part, each part
 * reaches the client when flushed, and the handshake timeout (1 s here) does not cut it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeptOpenResponseIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final CountDownLatch secondEvent = new CountDownLatch(1);
    private final AtomicBoolean handleReturnedBeforeTheFirstEvent = new AtomicBoolean();
    private Hub hub;
    private StandaloneServer server;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        hub = new Hub(ChatSettings.defaults(), "test");
        CountDownLatch returned = new CountDownLatch(1);
        Routes routes = Routes.standard(hub, "test").with(Route.get("/events", exchange -> {
            exchange.status(200);
            exchange.header("Content-Type", "text/event-stream");
            exchange.header("Cache-Control", "no-store");
            OutputStream events = exchange.keepOpen();
            Thread writer = new Thread(() -> {
                try (events) {
                    handleReturnedBeforeTheFirstEvent.set(returned.await(10, TimeUnit.SECONDS));
                    events.write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                    events.flush();
                    if (secondEvent.await(30, TimeUnit.SECONDS)) {
                        events.write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "test-events");
            writer.start();
            returned.countDown();
        }));
        server = StandaloneServer.start("127.0.0.1", 0, hub, EdgeSettings.defaults().withHandshakeTimeout(TIMEOUT), routes);
        base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/");
    }

    @AfterAll
    void stop() {
        hub.close();
        server.close();
    }

    @Test
    void aKeptOpenResponseIsWrittenFromAnotherThreadPartByPartAndOutlivesTheTimeout() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(base.resolve("/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/event-stream");
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(events.readLine()).isEqualTo("data: one");
            assertThat(events.readLine()).isEmpty();
            assertThat(handleReturnedBeforeTheFirstEvent).isTrue();

            Thread.sleep(TIMEOUT.multipliedBy(3).toMillis()); // open, silent, well past the handshake timeout
            secondEvent.countDown();
            assertThat(events.readLine()).isEqualTo("data: two");
            assertThat(events.readLine()).isEmpty();
            assertThat(events.readLine()).as("the end of the response once the writer closed it").isNull();
        }
    }
}
