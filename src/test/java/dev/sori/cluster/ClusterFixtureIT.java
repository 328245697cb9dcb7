package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, on what the server does today: the {@link Cluster} fixture's processes
 * (three independent nodes; kill -9, SIGTERM, restart, a late node), and the
 * {@link DeliveryLedger} against a real node on PostgreSQL and the database's rows.
 */
class ClusterFixtureIT {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void startsThreeNodesKillsOneStopsOneRestartsOneAndAddsALateOne() throws Exception {
        try (Cluster cluster = Cluster.builder().nodes(3).clustered(false).start()) {
            assertThat(cluster.running()).extracting(Cluster.Node::id).containsExactly("node-0", "node-1", "node-2");
            assertThat(cluster.running()).extracting(n -> n.page().getPort()).doesNotHaveDuplicates();
            for (Cluster.Node node : cluster.running()) {
                assertThat(node.health().getString("status")).isEqualTo("ok");
                assertThat(node.process().output()).doesNotContain("--redis-url");
            }
            DeliveryLedger ledger = new DeliveryLedger();
            LedgerClient onOne = LedgerClient.connect(ledger, "a", cluster.node(1).chat());
            assertThat(onOne.nick()).isNotEmpty();

            cluster.node(1).kill();
            assertThat(cluster.node(1).isRunning()).isFalse();
            onOne.awaitClosed(T);
            assertThat(cluster.running()).extracting(Cluster.Node::id).containsExactly("node-0", "node-2");

            assertThat(cluster.node(2).terminate()).as("SIGTERM").isIn(0, 143);
            assertThat(cluster.node(2).output()).contains("listening");

            Cluster.Node again = cluster.restart(cluster.node(1));
            assertThat(again.id()).isEqualTo("node-1");
            assertThat(again.health().getString("status")).isEqualTo("ok");

            Cluster.Node late = cluster.startNode();
            assertThat(late.id()).isEqualTo("node-3");
            assertThat(cluster.running()).extracting(Cluster.Node::id).containsExactly("node-0", "node-1", "node-3");
            try (LedgerClient c = LedgerClient.connect(ledger, "b", late.chat())) {
                assertThat(c.welcome().getString("room")).isEqualTo("general");
            }
            onOne.close();
        }
    }

    /**
     * The ledger on one real node: five clients in one room post at once; every check passes
     * against what they received and against {@code SELECT room_id, seq FROM messages}.
     */
    @Test
    void theLedgerAgreesWithOneRealNodeAndItsDatabase() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip()) {
            List<String> args = new ArrayList<>(ServerProcess.UNLIMITED_RATE_AND_CONNECTIONS);
            args.addAll(db.serverArgs());
            try (ServerProcess node = ServerProcess.start(args.toArray(String[]::new))) {
                DeliveryLedger ledger = new DeliveryLedger();
                List<LedgerClient> clients = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    clients.add(LedgerClient.connect(ledger, "c" + i, node.chat()));
                }
                String room = clients.get(0).createRoom("ledger room");
                for (LedgerClient c : clients.subList(1, clients.size())) {
                    assertThat(c.join(room, null).historySeqs()).isEmpty();
                }
                List<CompletableFuture<Long>> acks = new ArrayList<>();
                for (int j = 0; j < 40; j++) {
                    for (LedgerClient c : clients) {
                        acks.add(c.post(room, c.name() + " says " + j));
                    }
                }
                for (CompletableFuture<Long> ack : acks) {
                    ack.get(10, TimeUnit.SECONDS);
                }
                Scenario.awaitAll(clients, room, 200, T);
                // One client leaves and comes back with since: it recovers what it missed.
                LedgerClient.Resumed back = clients.get(4).resumeOn(node.chat());
                clients.get(0).post(room, "while c4 was away").get(10, TimeUnit.SECONDS);
                assertThat(back.joins().get(room).recovered()).isTrue();
                clients.set(4, back.client());
                Scenario.awaitAll(clients, room, 201, T);

                List<String> names = clients.stream().map(LedgerClient::name).toList();
                ledger.assertEveryoneSaw(room, names);
                ledger.assertMatchesDatabase(DeliveryLedger.storedSeqs(db), names);
                assertThat(ledger.ackedSeqs(room)).hasSize(201);
                clients.forEach(LedgerClient::close);
            }
        }
    }

    /**
     * The kill -9 path of the harness on one node of today: people post, the node is killed and
     * started again on its database, everyone resumes there with {@code since} (recovered), posts
     * the unacked messages again with their {@code cid}, and the ledger finds every acked message
     * once, in order, as stored.
     */
    @Test
    void aKilledAndRestartedNodeOnPostgreSqlLosesNothingThatWasAckedAndStoresNothingTwice() throws Exception {
        try (Cluster cluster = Cluster.builder().nodes(1).redis(false).start()) {
            assertThat(cluster.redis()).isNull();
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 3);
            List<Scenario.Poster> posters = room.clients().stream()
                    .map(c -> new Scenario.Poster(c, room.id(), Duration.ofMillis(5), 100_000)).toList();
            for (Scenario.Poster p : posters) {
                p.awaitAcked(10, T);
            }

            cluster.node(0).kill();
            for (Scenario.Poster p : posters) {
                p.client().awaitClosed(T);
                p.stop();
            }
            Cluster.Node again = cluster.restart(cluster.node(0));
            List<LedgerClient> back = new ArrayList<>();
            List<CompletableFuture<Long>> resent = new ArrayList<>();
            int unacked = 0;
            for (Scenario.Poster p : posters) {
                unacked += p.client().unacked().size();
                Long since = p.client().lastSeq(room.id());
                LedgerClient.Resumed r = p.client().resumeOn(again.chat());
                LedgerClient.Joined joined = r.joins().get(room.id());
                assertThat(joined.recovered()).as("%s rejoins with since=%s (stored up to %s): %s", p.client().name(),
                        since, Scenario.storedLast(cluster, room.id()), joined.ack()).isTrue();
                resent.addAll(r.client().resendUnacked());
                back.add(r.client());
            }
            for (CompletableFuture<Long> f : resent) {
                f.get(10, TimeUnit.SECONDS);
            }
            long last = Scenario.storedLast(cluster, room.id());
            Scenario.awaitAll(back, room.id(), last, T);
            ledger.assertMatchesDatabase(cluster.storedSeqs(), room.names());
            assertThat(cluster.storedSeqs().get(room.id())).as("every post stored once")
                    .hasSameSizeAs(ledger.ackedSeqs(room.id()));
            System.out.println("ClusterFixtureIT kill/restart: " + unacked + " posts unacked at the kill; "
                    + ledger.summary());
            back.forEach(LedgerClient::close);
        }
    }
}
