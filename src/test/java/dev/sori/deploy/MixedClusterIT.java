package dev.sori.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import dev.sori.testing.PostgresDatabase;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * One cluster of two kinds of node, as issue 14 promises users ("a cluster may mix
 * {@code server.jar}, Payara and WildFly nodes"): a {@code server.jar} node ({@link Cluster} of
 * one, with its private Redis and fresh PostgreSQL database) and {@code target/sori.war} on
 * WildFly, given the same Redis, database and {@code cluster-name} and a node id of its own by
 * system properties. People on the two chat in one room: one {@code seq} order for both, the
 * same counts and member lists on both nodes, {@code /healthz} on both showing two nodes, and
 * what they saw matches the database.
 *
 * <p>The WAR brings its own Lettuce and Netty in {@code WEB-INF/lib}, beside WildFly's own Netty
 * module; this test is where a class-loading clash between them would show.
 */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MixedClusterIT {
    private static final Duration DEADLINE = Duration.ofSeconds(15);
    private static final String WAR_NODE = "wildfly-node";
    private static final int POSTS_EACH = 15;

    @Test
    void aJarNodeAndAWildFlyNodeAreOneChat() throws Exception {
        try (Cluster cluster = Cluster.start(1);
             WildFlyServer wildFly = new WildFlyServer("wildfly-mixed-cluster")) {
            Cluster.Node jar = cluster.node(0);
            wildFly.systemProperties.put("sori.redis-url", cluster.redis().url());
            wildFly.systemProperties.put("sori.cluster-name", cluster.name());
            wildFly.systemProperties.put("sori.node-id", WAR_NODE);
            wildFly.systemProperties.put("sori.db-url", cluster.database().url());
            wildFly.systemProperties.put("sori.db-user", PostgresDatabase.USER);
            if (!PostgresDatabase.PASSWORD.isEmpty()) {
                // the environment, not a -D: system properties show in ps
                wildFly.environment.put("SORI_DB_PASSWORD", PostgresDatabase.PASSWORD);
            }
            wildFly.start();

            // Each node hears the other: both say two nodes, each under its own name.
            JsonObject jarView = jar.awaitHealth(h -> nodesSeen(h) == 2, DEADLINE).getJsonObject("cluster");
            JsonObject warView = await("WildFly's /healthz to show 2 nodes", () -> health(wildFly),
                    h -> nodesSeen(h) == 2, wildFly).getJsonObject("cluster");
            assertThat(jarView.getString("node")).isEqualTo(jar.id());
            assertThat(warView.getString("node")).isEqualTo(WAR_NODE);
            assertThat(warView.getString("redis")).isEqualTo("ok");
            assertThat(wildFly.log()).contains(WAR_NODE);

            DeliveryLedger ledger = new DeliveryLedger();
            try (LedgerClient onJar = LedgerClient.connect(ledger, "on-jar", jar.chat());
                 LedgerClient onWar = LedgerClient.connect(ledger, "on-wildfly", wildFly.chat())) {
                // A room created on the jar appears in WildFly's lobby; the person there enters it.
                String room = onJar.createRoom("jar and wildfly");
                onWar.awaitEvent(f -> "room_created".equals(f.getString("type"))
                        && room.equals(f.getJsonObject("payload").getString("room")), DEADLINE);
                LedgerClient.Joined warJoin = onWar.join(room, null);
                assertThat(warJoin.count()).as("connections in the room, as WildFly counts them").isEqualTo(2);
                assertThat(warJoin.people()).as("people in the room, as WildFly counts them").isEqualTo(2);
                assertThat(members(warJoin)).as("WildFly's member list names the person on the jar")
                        .contains(onJar.uid() + " " + onJar.nick());
                // The jar announces the person who came in on WildFly.
                JsonObject announced = onJar.awaitEvent(f -> "system".equals(f.getString("type"))
                        && "join".equals(f.getJsonObject("payload").getString("kind"))
                        && room.equals(f.getJsonObject("payload").getString("room"))
                        && onWar.uid().equals(f.getJsonObject("payload").getString("uid", "")), DEADLINE)
                        .frame().getJsonObject("payload");
                assertThat(announced.getString("nick")).isEqualTo(onWar.nick());
                assertThat(announced.getInt("people")).isEqualTo(2);

                // The other way round: someone entering on the jar is told who is on WildFly.
                try (LedgerClient late = LedgerClient.connect(ledger, "late-on-jar", jar.chat())) {
                    LedgerClient.Joined lateJoin = late.join(room, null);
                    assertThat(members(lateJoin)).as("the jar's member list names the person on WildFly")
                            .contains(onWar.uid() + " " + onWar.nick());
                    assertThat(lateJoin.people()).isEqualTo(3);
                    // Both lobbies agree on the counts.
                    awaitListed(onWar, room, 3, 3, wildFly);
                    awaitListed(onJar, room, 3, 3, wildFly);
                }
                awaitListed(onWar, room, 2, 2, wildFly);
                awaitListed(onJar, room, 2, 2, wildFly);

                // Both post at once, interleaved: one seq order for both, whoever stored what.
                List<CompletableFuture<Long>> acks = new ArrayList<>();
                for (int i = 1; i <= POSTS_EACH; i++) {
                    acks.add(onJar.post(room, "from the jar #" + i));
                    acks.add(onWar.post(room, "from wildfly #" + i));
                }
                long last = 0;
                for (CompletableFuture<Long> ack : acks) {
                    last = Math.max(last, ack.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
                }
                assertThat(last).isEqualTo(2L * POSTS_EACH);
                onJar.awaitSeq(room, last, DEADLINE);
                onWar.awaitSeq(room, last, DEADLINE);

                List<String> people = List.of(onJar.name(), onWar.name());
                ledger.assertEveryoneSaw(room, people);
                ledger.assertMatchesDatabase(cluster.storedSeqs(), people);
                assertThat(ledger.seqs(onWar.name(), room)).isEqualTo(ledger.seqs(onJar.name(), room));
                System.out.println("MixedClusterIT: " + ledger.summary());
            }
        }
    }

    private static int nodesSeen(JsonObject health) {
        JsonValue c = health.get("cluster");
        return c instanceof JsonObject o ? o.getInt("nodes", -1) : -1;
    }

    private static JsonObject health(AppServer server) {
        HttpResponse<String> response = server.get("healthz");
        assertThat(response.statusCode()).as("%s /healthz: %s", server, response.body()).isEqualTo(200);
        return Cluster.parse(response.body());
    }

    /** Each member as "uid nick". */
    private static List<String> members(LedgerClient.Joined joined) {
        return joined.ack().getJsonArray("members").stream()
                .map(JsonValue::asJsonObject).map(m -> m.getString("uid") + " " + m.getString("nick")).toList();
    }

    /** Waits until {@code client}'s node lists {@code room} with these connections and people. */
    private static void awaitListed(LedgerClient client, String room, int count, int people, AppServer wildFly) {
        await(client + "'s lobby to show " + room + " with " + count + " connections, " + people + " people",
                () -> listed(client, room), info -> info != null && info.getInt("count") == count
                        && info.getInt("people") == people, wildFly);
    }

    private static JsonObject listed(LedgerClient client, String room) {
        JsonObject reply = client.request("list_rooms", null).orTimeout(10, TimeUnit.SECONDS).join();
        for (JsonValue v : reply.getJsonObject("payload").getJsonArray("rooms")) {
            if (room.equals(v.asJsonObject().getString("room"))) {
                return v.asJsonObject();
            }
        }
        return null;
    }

    private static <T> T await(String what, Supplier<T> probe, Predicate<T> wanted, AppServer server) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        T last = null;
        while (true) {
            try {
                last = probe.get();
                if (wanted.test(last)) {
                    return last;
                }
            } catch (RuntimeException | AssertionError e) {
                // the deadline decides
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + DEADLINE + "; last seen: " + last + "\n"
                        + server.logTail(150));
            }
            AppServer.sleep(100);
        }
    }
}
