package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /readyz} of server.jar: 200 while its database answers, 503 with the reason while
 * PostgreSQL refuses it (the database's connections cut and new ones refused, as
 * {@code PostgresOutageTest} does it), 200 again once it is back, without a restart; the process
 * stays alive ({@code /healthz}) throughout.
 */
class ReadinessIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Test
    void theEmbeddedDatabaseIsReady() {
        try (ServerProcess server = ServerProcess.start()) {
            HttpResponse<String> ready = ItSupport.get(server.page(), "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(ready.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
        }
    }

    @Test
    void readinessFollowsThePostgresqlDatabaseDownAndBack() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip();
             ServerProcess server = ServerProcess.start(db.serverArgs().toArray(String[]::new))) {
            assertThat(ItSupport.get(server.page(), "/readyz").statusCode()).isEqualTo(200);
            try (TestClient ada = TestClient.connect(server.chat())) {
                db.takeDown();
                try {
                    HttpResponse<String> down = await(server, 503);
                    JsonObject body = ItSupport.parse(down.body());
                    assertThat(body.getString("status")).isEqualTo("unavailable");
                    assertThat(body.getString("reason")).isNotBlank().doesNotContain(db.name());
                    // Alive all the same, and its users still connected.
                    assertThat(ItSupport.get(server.page(), "/healthz").statusCode()).isEqualTo(200);
                    assertThat(ada.request("ping", null, "p1").getString("type")).isEqualTo("ack");
                    server.awaitOutput(PATIENCE, "not ready");
                } finally {
                    db.bringBack();
                }
                HttpResponse<String> up = await(server, 200);
                assertThat(up.body()).isEqualTo("{\"status\":\"ready\"}");
                server.awaitOutput(PATIENCE, "answers again: ready");
                // And it serves again: a message is stored and acknowledged.
                assertThat(ada.request("new_message", "\"back\"", "m1").getString("type")).isEqualTo("ack");
            }
        }
    }

    /** Asks /readyz until it answers {@code status}, and returns that answer. */
    private static HttpResponse<String> await(ServerProcess server, int status) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            HttpResponse<String> response = ItSupport.get(server.page(), "/readyz");
            if (response.statusCode() == status) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/readyz did not answer " + status + " within " + PATIENCE + "; last: "
                        + response.statusCode() + " " + response.body() + "\n" + server.output());
            }
            Thread.sleep(100);
        }
    }
}
