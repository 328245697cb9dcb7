package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, two people on each, one room: every message, posted on any node, reaches
 * everyone, in one order, and matches the database; each node's /metrics counts the bus.
 */
class CrossNodeDeliveryIT {
    private static final int PER_CLIENT = 25;

    @Test
    void everyMessageFromEveryNodeReachesEveryoneInOneOrder() throws Exception {
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            for (Cluster.Node node : cluster.running()) {
                assertThat(node.clusterHealth().getString("node")).isEqualTo(node.id());
                assertThat(node.clusterHealth().getString("redis")).isEqualTo("ok");
            }
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2);
            List<LedgerClient> clients = room.clients();
            Scenario.awaitListedCount(clients, room.id(), clients.size(), Scenario.DEADLINE);

            List<CompletableFuture<Long>> acks = new ArrayList<>();
            for (int j = 1; j <= PER_CLIENT; j++) {
                for (LedgerClient c : clients) {
                    acks.add(c.post(room.id(), c.name() + " #" + j));
                }
            }
            for (CompletableFuture<Long> ack : acks) {
                ack.get(Scenario.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            long total = (long) PER_CLIENT * clients.size();
            Scenario.awaitAll(clients, room.id(), total, Scenario.DEADLINE);

            ledger.assertEveryoneSaw(room.id(), room.names());
            ledger.assertMatchesDatabase(cluster.storedSeqs(), room.names());
            assertThat(ledger.ackedSeqs(room.id())).hasSize((int) total);
            System.out.println("CrossNodeDeliveryIT: " + ledger.summary());

            // The bus in the metrics: each message published once, by the node it was posted on.
            double published = 0;
            for (Cluster.Node node : cluster.running()) {
                String metrics = scrape(node);
                published += value(metrics, "sori_cluster_published_messages_total");
                assertThat(value(metrics, "sori_cluster_received_messages_total")).as(node.id()).isPositive()
                        .isLessThanOrEqualTo(total);
                assertThat(value(metrics, "sori_cluster_nodes")).as(node.id()).isEqualTo(3);
                assertThat(value(metrics, "sori_cluster_link_degraded")).as(node.id()).isZero();
                assertThat(value(metrics, "sori_connections")).as(node.id()).isEqualTo(2);
            }
            assertThat(published).isEqualTo(total);
            clients.forEach(LedgerClient::close);
        }
    }

    private static String scrape(Cluster.Node node) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(node.page().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("%s in the metrics", series).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
