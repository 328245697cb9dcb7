package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis down for 10 s, then back: posting is still acked, messages still cross nodes (through
 * the database sweep), delivery is live again once Redis returns, presence changes made during
 * the outage converge, and nothing is lost. The latencies are printed, not asserted: the
 * benchmark measures them.
 */
class RedisOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @Test
    void postingAndCrossNodeDeliveryCarryOnWhileRedisIsDownAndPresenceConvergesAfter() throws Exception {
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2);
            List<LedgerClient> clients = new ArrayList<>(room.clients());
            Scenario.awaitListedCount(clients, room.id(), 6, Scenario.DEADLINE);

            List<Scenario.Poster> posters = new ArrayList<>();
            for (LedgerClient c : clients) {
                posters.add(new Scenario.Poster(c, room.id(), Duration.ofMillis(50), 100_000));
            }
            for (Scenario.Poster p : posters) {
                p.awaitAcked(10, Scenario.DEADLINE);
            }

            int clientsBefore = cluster.redis().clientCount();
            long downAt = System.nanoTime();
            cluster.redis().stop();

            // While it is down: a post on node-0 is acked and reaches the people on the other nodes.
            Scenario.sleep(1_000);
            LedgerClient onZero = clients.get(0);
            long marker = onZero.post(room.id(), "while Redis is down").get(10, TimeUnit.SECONDS);
            long postedAt = System.nanoTime();
            Scenario.awaitAll(clients, room.id(), marker, Scenario.DEADLINE);
            System.out.printf("RedisOutageIT: while down, seq %d reached every node after %d ms%n", marker,
                    (System.nanoTime() - postedAt) / 1_000_000);

            // Presence while it is down: one person on node-1 leaves, two new ones join on node-2 and
            // node-0; afterwards every node must count 7, not the 6 it knew.
            LedgerClient leaving = clients.get(3);
            posters.get(3).stop();
            posters.get(3).awaitAcks(Scenario.DEADLINE);
            leaving.close();
            clients.remove(3);
            for (int n : new int[] {2, 0}) {
                LedgerClient late = LedgerClient.connect(ledger, "node-" + n + "/late", cluster.node(n).chat());
                late.join(room.id(), null);
                clients.add(late);
            }

            Scenario.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - downAt) / 1_000_000));
            cluster.redis().start();
            long upAt = System.nanoTime();
            for (Cluster.Node node : cluster.running()) {
                node.awaitHealth(h -> h.getJsonObject("cluster") != null
                        && "ok".equals(h.getJsonObject("cluster").getString("redis", "")), Scenario.DEADLINE);
            }
            System.out.printf("RedisOutageIT: every node reported redis ok %d ms after Redis returned%n",
                    (System.nanoTime() - upAt) / 1_000_000);

            // Each node's reconnecting while Redis was down must not leave extra connections behind
            // (each one more subscriber would deliver every frame once more to that node).
            awaitRedisClients(cluster, clientsBefore);

            long after = clients.get(clients.size() - 1).post(room.id(), "Redis is back").get(10, TimeUnit.SECONDS);
            Scenario.awaitAll(clients, room.id(), after, Scenario.DEADLINE);

            posters.forEach(Scenario.Poster::stop);
            for (Scenario.Poster p : posters) {
                assertThat(p.awaitAcks(Scenario.DEADLINE)).as("%s's posts, all acked", p.client().name())
                        .hasSize(p.sent());
            }
            long last = Scenario.storedLast(cluster, room.id());
            Scenario.awaitAll(clients, room.id(), last, Scenario.DEADLINE);
            List<String> stayed = room.names().stream().filter(n -> !n.equals(leaving.name())).toList();
            ledger.assertEveryoneSaw(room.id(), stayed);
            ledger.assertMatchesDatabase(cluster.storedSeqs(), clients.stream().map(LedgerClient::name).toList());
            Scenario.awaitListedCount(clients, room.id(), 7, Scenario.DEADLINE);
            System.out.println("RedisOutageIT: " + ledger.summary());
            clients.forEach(LedgerClient::close);
        }
    }

    private static void awaitRedisClients(Cluster cluster, int expected) throws Exception {
        long deadline = System.nanoTime() + Scenario.DEADLINE.toNanos();
        int now;
        while ((now = cluster.redis().clientCount()) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the nodes had " + expected + " connections to Redis before the outage and "
                        + now + " after it:\n" + cluster.redis().command(Duration.ofSeconds(2), "CLIENT", "LIST"));
            }
            Scenario.sleep(200);
        }
    }
}
