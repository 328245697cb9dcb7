package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.HaProxy;
import dev.sori.testing.LedgerClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three nodes behind a real HAProxy: two people who land on different nodes chat; the node of
 * one of them is killed; that one reconnects through HAProxy (to a live node), recovers with
 * {@code since}, and both carry on. (The browser version of this test drives two
 * Chromium pages the same way.)
 */
class LoadBalancedClusterIT {
    @Test
    void twoPeopleOnDifferentNodesBehindHaProxyCarryOnWhenOnesNodeIsKilled() throws Exception {
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            try (HaProxy lb = HaProxy.startOrSkip(cluster)) {
                DeliveryLedger ledger = new DeliveryLedger();
                LedgerClient a = LedgerClient.connect(ledger, "a", lb.chat());
                LedgerClient b = LedgerClient.connect(ledger, "b", lb.chat());
                List<Integer> connections = cluster.running().stream()
                        .map(n -> n.health().getInt("connections")).toList();
                assertThat(connections).as("round robin puts them on two nodes").doesNotContain(2)
                        .containsOnly(0, 1);

                String room = a.createRoom("behind haproxy");
                b.awaitEvent(f -> "room_created".equals(f.getString("type"))
                        && room.equals(f.getJsonObject("payload").getString("room")), Scenario.DEADLINE);
                b.join(room, null);
                long one = a.post(room, "hi from a").get(10, TimeUnit.SECONDS);
                long two = b.post(room, "hi from b").get(10, TimeUnit.SECONDS);
                Scenario.awaitAll(List.of(a, b), room, Math.max(one, two), Scenario.DEADLINE);

                // Kill one of the two nodes they are on; whichever of them was there loses its socket.
                Cluster.Node victim = null;
                for (Cluster.Node n : cluster.running()) {
                    if (n.health().getInt("connections") == 1) {
                        victim = n;
                        break;
                    }
                }
                assertThat(victim).isNotNull();
                victim.kill();
                lb.awaitStatus(victim.id(), "DOWN", Scenario.DEADLINE);
                LedgerClient cut = firstClosed(a, b);
                LedgerClient other = cut == a ? b : a;
                assertThat(other.isOpen()).as("the other one's node lives").isTrue();
                long during = other.post(room, "while " + cut.name() + " is away").get(10, TimeUnit.SECONDS);

                LedgerClient.Resumed back = cut.resumeOn(lb.chat());
                assertThat(back.joins().get(room).recovered()).isTrue();
                LedgerClient again = back.client();
                again.awaitSeq(room, during, Scenario.DEADLINE);
                long three = again.post(room, "back through haproxy").get(10, TimeUnit.SECONDS);
                other.awaitSeq(room, three, Scenario.DEADLINE);

                ledger.assertEveryoneSaw(room, List.of("a", "b"));
                ledger.assertMatchesDatabase(cluster.storedSeqs(), List.of("a", "b"));
                again.close();
                other.close();
            }
        }
    }

    private static LedgerClient firstClosed(LedgerClient a, LedgerClient b) {
        long deadline = System.nanoTime() + Scenario.DEADLINE.toNanos();
        while (a.isOpen() && b.isOpen()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("neither connection closed after its node was killed");
            }
            Scenario.sleep(20);
        }
        return a.isOpen() ? b : a;
    }
}
