package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node's link to Redis blackholed (TCP open, nothing flows): the node notices that it no longer
 * hears its own heartbeat and says {@code degraded} in {@code /healthz} within 3 s, still answering
 * 200; messages still cross (sweep); once the link passes again it is {@code ok}.
 */
class RedisBlackholeIT {
    private static final Duration DEGRADED_WITHIN = Duration.ofSeconds(3);

    @Test
    void aBlackholedRedisLinkShowsDegradedAndDeliveryCarriesOn() throws Exception {
        try (Cluster cluster = Cluster.builder().nodes(2).proxied(true).start()) {
            cluster.awaitNodesSeen(2, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 1);
            LedgerClient onZero = room.clients().get(0);
            LedgerClient onOne = room.clients().get(1);
            Cluster.Node zero = cluster.node(0);
            Cluster.Node one = cluster.node(1);

            zero.redisLink().blackhole();
            long at = System.nanoTime();
            JsonObject health = zero.awaitHealth(h -> redis(h).equals("degraded"), DEGRADED_WITHIN);
            System.out.printf("RedisBlackholeIT: degraded after %d ms: %s%n", (System.nanoTime() - at) / 1_000_000,
                    health);
            assertThat(redis(one.health())).as("the other node's link is fine").isEqualTo("ok");

            long a = onZero.post(room.id(), "from the cut-off node").get(10, TimeUnit.SECONDS);
            onOne.awaitSeq(room.id(), a, Scenario.DEADLINE);
            long b = onOne.post(room.id(), "to the cut-off node").get(10, TimeUnit.SECONDS);
            onZero.awaitSeq(room.id(), b, Scenario.DEADLINE);

            zero.redisLink().pass();
            zero.awaitHealth(h -> redis(h).equals("ok"), Scenario.DEADLINE);
            long c = onZero.post(room.id(), "linked again").get(10, TimeUnit.SECONDS);
            onOne.awaitSeq(room.id(), c, Scenario.DEADLINE);

            ledger.assertEveryoneSaw(room.id(), room.names());
            ledger.assertMatchesDatabase(cluster.storedSeqs(), room.names());
            List.of(onZero, onOne).forEach(LedgerClient::close);
        }
    }

    private static String redis(JsonObject health) {
        JsonObject cluster = health.getJsonObject("cluster");
        return cluster == null ? "" : cluster.getString("redis", "");
    }
}
