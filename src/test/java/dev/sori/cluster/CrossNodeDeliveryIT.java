package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, two people on each, one room: every message, posted on any node, reaches
 * everyone, in one order, and matches the database.
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
            clients.forEach(LedgerClient::close);
        }
    }
}
