package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two nodes each take one writer posting to the same room as fast as its socket allows: the
 * database numbers them, and every client, writer or listener, on either node, sees one order.
 */
class TwoWritersOneRoomIT {
    private static final int PER_WRITER = 1_000;
    /**
     * A writer is sent at most 3 frames per post (its ack, its echo, the other writer's message):
     * a queue this deep never fills here. The default (1,000 frames) did once on a loaded CI
     * machine, whose test JVM read slower than two nodes wrote, and cut a writer loose with 1013
     * as a slow consumer, which is right for a server and not what this test is about
     * ({@code SlowConsumerIT} is).
     */
    private static final String[] QUEUE_NEVER_FULL = {
            "--max-pending-frames", String.valueOf(4 * PER_WRITER), "--max-pending-bytes", String.valueOf(64L << 20)};

    @Test
    void twoNodesWritingOneRoomAtFullRateGiveEveryoneTheSameOrder() throws Exception {
        try (Cluster cluster = Cluster.builder().nodes(2).args(QUEUE_NEVER_FULL).start()) {
            cluster.awaitNodesSeen(2, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2); // node-0/c0, node-0/c1, node-1/c0, node-1/c1
            List<LedgerClient> writers = List.of(room.clients().get(0), room.clients().get(2));

            List<Scenario.Poster> posting = writers.stream()
                    .map(w -> new Scenario.Poster(w, room.id(), Duration.ZERO, PER_WRITER)).toList();
            for (Scenario.Poster p : posting) {
                assertThat(p.awaitAcksAfterAll(Duration.ofSeconds(60))).hasSize(PER_WRITER);
            }
            Scenario.awaitAll(room.clients(), room.id(), 2L * PER_WRITER, Duration.ofSeconds(30));

            ledger.assertEveryoneSaw(room.id(), room.names());
            ledger.assertMatchesDatabase(cluster.storedSeqs(), room.names());
            List<Long> seqs = ledger.seqs(room.names().get(1), room.id());
            System.out.println("TwoWritersOneRoomIT: " + ledger.summary() + "; " + seqs.size() + " seen by a listener");
            // What the sequencers repaired: messages held for one before them, reads of the database.
            for (Cluster.Node node : cluster.running()) {
                var repairs = node.clusterHealth().getJsonObject("repairs");
                System.out.println("TwoWritersOneRoomIT: " + node.id() + " repairs " + repairs);
                assertThat(repairs.getJsonNumber("skipped").longValue()).as("seqs skipped on %s", node.id()).isZero();
            }
            room.clients().forEach(LedgerClient::close);
        }
    }
}
