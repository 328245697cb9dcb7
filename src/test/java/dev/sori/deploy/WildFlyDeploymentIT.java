package dev.sori.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.TestClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * {@code target/sori.war} on WildFly (Undertow's WebSocket implementation: no Tyrus class
 * exists there; Yasson), configured through system properties:
 * {@code -Dsori.max-message-chars=100 -Dsori.ping-interval=1 -Dsori.ping-timeout=5
 * -Dsori.max-connections-per-address=4 -Dsori.allowed-origins=https://app.example.com
 * -Dsori.trusted-proxies=127.0.0.1/32 -Dsori.metrics-token=… -Dsori.max-upload-bytes=2097152
 * -Dsori.uploads-per-minute=5}.
 */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
class WildFlyDeploymentIT extends WarDeploymentContract {
    private static final String EXAMPLE_DATA_SOURCE = "java:jboss/datasources/ExampleDS";

    @Override
    protected AppServer createServer() {
        WildFlyServer wildFly = new WildFlyServer();
        wildFly.systemProperties.put("sori.max-message-chars", Integer.toString(MAX_MESSAGE_CHARS));
        wildFly.systemProperties.put("sori.ping-interval", Integer.toString(PING_INTERVAL_SECONDS));
        wildFly.systemProperties.put("sori.ping-timeout", Integer.toString(PING_TIMEOUT_SECONDS));
        wildFly.systemProperties.put("sori.max-connections-per-address", Integer.toString(MAX_CONNECTIONS_PER_ADDRESS));
        wildFly.systemProperties.put("sori.allowed-origins", ALLOWED_ORIGIN);
        wildFly.systemProperties.put("sori.trusted-proxies", TRUSTED_PROXIES);
        wildFly.systemProperties.put("sori.metrics-token", METRICS_TOKEN);
        wildFly.systemProperties.put("sori.max-upload-bytes", Long.toString(MAX_UPLOAD_BYTES));
        wildFly.systemProperties.put("sori.uploads-per-minute", Integer.toString(UPLOADS_PER_MINUTE));
        // The application server's way to give a database: its own pooled DataSource, by JNDI name
        // (WildFly's example H2 data source; the Payara test uses Sori's own pool on a data directory).
        wildFly.systemProperties.put("sori.datasource", EXAMPLE_DATA_SOURCE);
        return wildFly;
    }

    /** The images are in the container's database ({@code media_content}), not in files. */
    @Override
    protected Path dataDir() {
        return null;
    }

    @Test
    @Order(49)
    void storageUsesTheContainersDataSource() {
        assertThat(server.log()).contains("storage: " + EXAMPLE_DATA_SOURCE + " (the container's pool");
    }

    /**
     * Undeploying (the scanner's marker files, as a person would) closes the chat with 1001 and
     * the context path goes away; deploying again serves a working chat, with the stored messages
     * and identities.
     */
    @Test
    @Order(50)
    void undeployClosesTheChatAndRedeployServesItAgain() throws Exception {
        WildFlyServer wildFly = (WildFlyServer) server;
        String token;
        long seq;
        try (TestClient client = TestClient.connect(server.chat())) {
            token = client.token();
            client.ack("nickname", TestClient.quote("keeper"), "n");
            seq = client.ack("new_message", TestClient.quote("kept across a redeploy"), "k").asJsonObject()
                    .getJsonNumber("seq").longValue();
            wildFly.undeploy();
            assertThat(client.awaitClose()).isEqualTo(1001);
        }
        assertThat(server.get("healthz").statusCode()).isEqualTo(404);

        wildFly.redeploy();
        try (TestClient client = TestClient.connect(server.chat(), token)) {
            // the acked message and the identity were stored: both survive the redeploy
            assertThat(client.nick()).isEqualTo("keeper");
            var history = client.ack("join", "{\"room\":\"general\",\"since\":" + (seq - 1) + "}", "j")
                    .asJsonObject();
            assertThat(history.getBoolean("recovered")).isTrue();
            assertThat(history.getJsonArray("history").getJsonObject(0).getString("text"))
                    .isEqualTo("kept across a redeploy");
            assertThat(client.welcome().getJsonObject("limits").getInt("maxMessageChars")).isEqualTo(MAX_MESSAGE_CHARS);
            assertThat(client.ack("new_message", TestClient.quote("back again"), "m").asJsonObject()
                    .getString("room")).isEqualTo("general");
        }
    }
}
