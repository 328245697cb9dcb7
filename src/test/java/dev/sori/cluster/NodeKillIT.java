package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a node while people on every node post: no acked message is lost, none is
 * stored twice (its people post their unacked messages again with the same {@code cid}), its
 * people resume on the other nodes with {@code since} and get {@code recovered: true}, and the
 * others see them leave within 6 s (a node silent for 5 s is dead).
 */
class NodeKillIT {
    private static final Duration LEAVE_WITHIN = Duration.ofSeconds(6);

    @Test
    void aKilledNodeLosesNoAckedMessageAndItsPeopleResumeElsewhere() throws Exception {
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2);
            Scenario.awaitListedCount(room.clients(), room.id(), 6, Scenario.DEADLINE);

            List<Scenario.Poster> posters = new ArrayList<>();
            for (LedgerClient c : room.clients()) {
                posters.add(new Scenario.Poster(c, room.id(), Duration.ofMillis(20), 100_000));
            }
            for (Scenario.Poster p : posters) {
                p.awaitAcked(10, Scenario.DEADLINE);
            }

            Cluster.Node victim = cluster.node(2);
            List<Scenario.Poster> victims = posters.stream()
                    .filter(p -> p.client().name().startsWith(victim.id() + "/")).toList();
            List<Scenario.Poster> survivors = posters.stream().filter(p -> !victims.contains(p)).toList();
            long killedAt = System.nanoTime();
            victim.kill();

            List<LedgerClient> resumed = new ArrayList<>();
            List<CompletableFuture<Long>> resent = new ArrayList<>();
            for (int i = 0; i < victims.size(); i++) {
                LedgerClient lost = victims.get(i).client();
                lost.awaitClosed(Scenario.DEADLINE);
                victims.get(i).stop();
                LedgerClient.Resumed back = lost.resumeOn(cluster.node(i % 2).chat());
                assertThat(back.joins().get(room.id()).recovered()).as("%s rejoins %s with since=%s", lost.name(),
                        cluster.node(i % 2).id(), lost.lastSeq(room.id())).isTrue();
                resent.addAll(back.client().resendUnacked());
                resumed.add(back.client());
            }

            // Its people leave everywhere, each of them seen by everyone on the other nodes.
            for (Scenario.Poster survivor : survivors) {
                for (Scenario.Poster v : victims) {
                    String nick = v.client().nick();
                    LedgerClient.Event leave = survivor.client().awaitEvent(
                            f -> Scenario.isSystem(f, "leave", room.id(), nick), LEAVE_WITHIN.plusSeconds(5));
                    assertThat(Duration.ofNanos(leave.arrived() - killedAt)).as("%s sees %s leave", survivor.client()
                            .name(), nick).isLessThanOrEqualTo(LEAVE_WITHIN);
                }
            }

            Scenario.sleep(500); // the survivors keep posting a moment after the resumption
            survivors.forEach(Scenario.Poster::stop);
            for (Scenario.Poster p : survivors) {
                p.awaitAcks(Scenario.DEADLINE);
            }
            for (CompletableFuture<Long> r : resent) {
                r.get(Scenario.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
            List<LedgerClient> present = new ArrayList<>(survivors.stream().map(Scenario.Poster::client).toList());
            present.addAll(resumed);
            for (LedgerClient c : present) {
                assertThat(c.unacked()).as("%s's posts", c.name()).isEmpty();
            }

            long last = Scenario.storedLast(cluster, room.id());
            Scenario.awaitAll(present, room.id(), last, Scenario.DEADLINE);
            List<String> names = present.stream().map(LedgerClient::name).toList();
            ledger.assertMatchesDatabase(cluster.storedSeqs(), names);
            assertThat(cluster.storedSeqs().get(room.id())).as("every post stored once: 0 lost, 0 duplicated")
                    .hasSameSizeAs(ledger.ackedSeqs(room.id()));
            Scenario.awaitListedCount(present, room.id(), 6, Scenario.DEADLINE);
            cluster.awaitNodesSeen(2, Scenario.DEADLINE);
            System.out.println("NodeKillIT: " + ledger.summary());
            present.forEach(LedgerClient::close);
        }
    }
}
