package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node dies between the commit of a message and its publish (the server's test hook
 * {@code sori.test.halt-before-publishing} halts it there): the message is in PostgreSQL but no
 * other node heard of it, and nothing later in the room reveals it. The people on the other
 * nodes must still get that seq, from the sweep, within 1 s of the node being declared dead (their
 * {@code leave} events for its members mark when), and in fact by the sweep after the halt,
 * long before; afterwards the room carries on with nothing lost, duplicated or out of order.
 */
class HaltBeforePublishIT {
    private static final String FATAL = "the last words of node-2";
    /** The issue's promise: that seq within 1 s of the node being declared dead. */
    private static final Duration AFTER_DEATH = Duration.ofSeconds(1);
    /** The sweep reads every room's last seq every second: a node should not even wait for the death. */
    private static final Duration BY_THE_SWEEP = Duration.ofSeconds(2);

    @Test
    void aMessageCommittedButNeverPublishedReachesTheOtherNodes() throws Exception {
        try (Cluster cluster = Cluster.builder().nodes(3)
                .jvmOptions(2, "-Dsori.test.halt-before-publishing=" + FATAL).start()) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2);
            Scenario.awaitListedCount(room.clients(), room.id(), 6, Scenario.DEADLINE);
            Cluster.Node victim = cluster.node(2);
            List<LedgerClient> onVictim = room.clients().stream()
                    .filter(c -> c.name().startsWith(victim.id() + "/")).toList();
            List<LedgerClient> survivors = room.clients().stream().filter(c -> !onVictim.contains(c)).toList();

            // Ordinary traffic first, from every node, everyone caught up: the fatal message is then
            // the room's last, and only the sweep can reveal it.
            List<CompletableFuture<Long>> before = new ArrayList<>();
            for (LedgerClient c : room.clients()) {
                for (int i = 1; i <= 3; i++) {
                    before.add(c.post(room.id(), c.name() + " #" + i));
                }
            }
            for (CompletableFuture<Long> ack : before) {
                ack.get(10, TimeUnit.SECONDS);
            }
            Scenario.awaitAll(room.clients(), room.id(), Scenario.storedLast(cluster, room.id()), Scenario.DEADLINE);

            LedgerClient poster = onVictim.get(0);
            long haltedAt = System.nanoTime(); // the halt follows the commit within milliseconds: the earliest bound
            CompletableFuture<Long> fatal = poster.post(room.id(), FATAL);
            poster.awaitClosed(Scenario.DEADLINE);
            // The client fails its pending posts right after it sees the close: give it that moment.
            assertThat(fatal).as("the fatal post is never acked").failsWithin(java.time.Duration.ofSeconds(10));
            victim.process().process().waitFor(10, TimeUnit.SECONDS);
            assertThat(victim.isRunning()).as("%s halted by the hook", victim.id()).isFalse();
            assertThat(victim.process().process().exitValue()).as("%s's exit code (Runtime.halt(137))", victim.id())
                    .isEqualTo(137);
            long fatalSeq = Scenario.storedLast(cluster, room.id());
            long lastBefore = before.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
            assertThat(fatalSeq).as("the fatal message was committed before the halt").isEqualTo(lastBefore + 1);

            Map<LedgerClient, Long> deliveredAt = awaitSeqEach(survivors, room.id(), fatalSeq, Scenario.DEADLINE);
            DeliveryLedger.Seen seen = ledger.seen(room.id(), fatalSeq);
            assertThat(seen.text()).as("seq %d as delivered", fatalSeq).isEqualTo(FATAL);
            assertThat(seen.uid()).as("seq %d's author", fatalSeq).isEqualTo(poster.uid());

            // The others declare the node dead (5 s of silence): its members leave everywhere.
            for (LedgerClient s : survivors) {
                long declaredDead = Long.MAX_VALUE;
                for (LedgerClient gone : onVictim) {
                    LedgerClient.Event leave = s.awaitEvent(f -> Scenario.isSystem(f, "leave", room.id(), gone.nick()),
                            Scenario.DEADLINE);
                    declaredDead = Math.min(declaredDead, leave.arrived());
                }
                long delivered = deliveredAt.get(s);
                System.out.printf("HaltBeforePublishIT: %s got seq %d %d ms after the halt; saw node-2's members leave"
                                + " %d ms after the halt%n", s.name(), fatalSeq, millis(delivered - haltedAt),
                        millis(declaredDead - haltedAt));
                assertThat(Duration.ofNanos(delivered - declaredDead)).as("%s: seq %d after node-2 was declared dead",
                        s.name(), fatalSeq).isLessThanOrEqualTo(AFTER_DEATH);
                assertThat(Duration.ofNanos(delivered - haltedAt)).as("%s: seq %d after the halt (the sweep)",
                        s.name(), fatalSeq).isLessThanOrEqualTo(BY_THE_SWEEP);
            }

            // The room carries on after the fatal seq, on both surviving nodes.
            List<CompletableFuture<Long>> after = new ArrayList<>();
            for (LedgerClient c : survivors) {
                after.add(c.post(room.id(), c.name() + " after the halt"));
            }
            for (CompletableFuture<Long> ack : after) {
                assertThat(ack.get(10, TimeUnit.SECONDS)).isGreaterThan(fatalSeq);
            }
            long last = Scenario.storedLast(cluster, room.id());
            Scenario.awaitAll(survivors, room.id(), last, Scenario.DEADLINE);
            List<String> names = survivors.stream().map(LedgerClient::name).toList();
            ledger.assertEveryoneSaw(room.id(), names);
            ledger.assertMatchesDatabase(cluster.storedSeqs(), names);
            Scenario.awaitListedCount(survivors, room.id(), survivors.size(), Scenario.DEADLINE);
            System.out.println("HaltBeforePublishIT: " + ledger.summary());
            room.clients().forEach(LedgerClient::close);
        }
    }

    /**
     * Watches all of {@code clients} at once and notes when each first saw {@code seq}
     * ({@link System#nanoTime}, within the 5 ms of a poll).
     */
    private static Map<LedgerClient, Long> awaitSeqEach(List<LedgerClient> clients, String room, long seq,
            Duration timeout) {
        Map<LedgerClient, Long> at = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (at.size() < clients.size()) {
            long now = System.nanoTime();
            for (LedgerClient c : clients) {
                Long last = c.lastSeq(room);
                if (!at.containsKey(c) && last != null && last >= seq) {
                    at.put(c, now);
                }
            }
            if (now > deadline) {
                List<String> missing = clients.stream().filter(c -> !at.containsKey(c))
                        .map(c -> c.name() + " (last " + c.lastSeq(room) + ")").toList();
                throw new AssertionError("within " + timeout + " of the halt, " + missing + " did not see seq " + seq);
            }
            Scenario.sleep(5);
        }
        return at;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
