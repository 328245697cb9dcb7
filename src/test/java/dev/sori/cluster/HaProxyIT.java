package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.HaProxy;
import dev.sori.testing.LedgerClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The HAProxy fixture in front of two plain nodes: WebSockets and /healthz pass, round robin spreads. */
class HaProxyIT {
    @Test
    void aWebSocketClientThroughHaProxyIsWelcomedAndTwoClientsLandOnDifferentNodes() throws Exception {
        try (Cluster nodes = Cluster.builder().nodes(2).clustered(false).start();
             HaProxy haproxy = HaProxy.startOrSkip(nodes)) {
            assertThat(haproxy.config()).contains("timeout tunnel 1h", "option forwardfor", "balance roundrobin",
                    "uri /healthz");
            assertThat(haproxy.serverStatus()).containsEntry("node-0", "UP").containsEntry("node-1", "UP");

            HttpResponse<String> health = Cluster.get(haproxy.page().resolve("/healthz"));
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(Cluster.parse(health.body()).getString("status")).isEqualTo("ok");

            DeliveryLedger ledger = new DeliveryLedger();
            try (LedgerClient a = LedgerClient.connect(ledger, "a", haproxy.chat());
                 LedgerClient b = LedgerClient.connect(ledger, "b", haproxy.chat())) {
                assertThat(a.welcome().getString("room")).isEqualTo("general");
                assertThat(b.welcome().getString("room")).isEqualTo("general");
                // Round robin: one connection on each node (health checks are not connections).
                assertThat(nodes.node(0).health().getInt("connections")).isEqualTo(1);
                assertThat(nodes.node(1).health().getInt("connections")).isEqualTo(1);
                // And the socket works through the tunnel.
                String room = a.createRoom("through haproxy");
                assertThat(a.post(room, "hello").get()).isEqualTo(1);
                a.awaitSeq(room, 1, Duration.ofSeconds(5));
            }

            nodes.node(1).kill();
            haproxy.awaitStatus("node-1", "DOWN", Duration.ofSeconds(10));
            try (LedgerClient c = LedgerClient.connect(ledger, "c", haproxy.chat());
                 LedgerClient d = LedgerClient.connect(ledger, "d", haproxy.chat())) {
                assertThat(nodes.node(0).health().getInt("connections")).as("both on the node left").isEqualTo(2);
            }
        }
    }
}
