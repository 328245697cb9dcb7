package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nodes that come and go in an orderly way. A fourth node started late knows the room's members
 * from the first join on it, and the lobby's counts ({@code room_updated}) are the same on every
 * node within 2 lobby ticks. A node stopped with SIGTERM says goodbye: its members leave on the
 * other nodes within 1 s (not after the 5 s of silence that declare a node dead), and every node
 * counts the same.
 */
class NodeLifecycleIT {
    private static final Duration GOODBYE = Duration.ofSeconds(1);
    /** Counts go out once per lobby tick (250 ms): every node shows the same one within two. */
    private static final Duration TWO_LOBBY_TICKS = Duration.ofMillis(500);
    private static final Duration SETTLE = Duration.ofSeconds(5);

    @Test
    void aLateNodeKnowsEveryMemberAndAStoppedNodeSaysGoodbyeWithCountsTheSameEverywhere() throws Exception {
        // One cluster for both moves (a node starting costs seconds on this machine): a fourth node
        // comes, then one of the first three goes.
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Scenario.DEADLINE);
            DeliveryLedger ledger = new DeliveryLedger();
            Scenario.Room room = Scenario.oneRoom(cluster, ledger, 2);
            Scenario.awaitListedCount(room.clients(), room.id(), 6, Scenario.DEADLINE);
            List<LedgerClient> members = lateNode(cluster, ledger, room);
            goodbye(cluster, ledger, room, members);
        }
    }

    /** A fourth node starts; someone there joins the room. Returns every member after that. */
    private static List<LedgerClient> lateNode(Cluster cluster, DeliveryLedger ledger, Scenario.Room room)
            throws Exception {
        long startedAt = System.nanoTime();
        Cluster.Node fourth = cluster.startNode();
        System.out.printf("NodeLifecycleIT: %s listening %d ms after its start%n", fourth.id(),
                millis(System.nanoTime() - startedAt));
        // Someone on the new node who only watches the lobby, and someone who enters the room, at
        // once: a load balancer sends people to a node as soon as it answers.
        LedgerClient watcher = LedgerClient.connect(ledger, fourth.id() + "/lobby", fourth.chat());
        LedgerClient newcomer = LedgerClient.connect(ledger, fourth.id() + "/c0", fourth.chat());
        long joinedAt = System.nanoTime();
        LedgerClient.Joined joined = newcomer.join(room.id(), null);
        System.out.printf("NodeLifecycleIT: joined on %s %d ms after its start: count %d, people %d%n",
                fourth.id(), millis(joinedAt - startedAt), joined.count(), joined.people());
        List<LedgerClient> members = new ArrayList<>(room.clients());
        members.add(newcomer);
        assertThat(joined.count()).as("count in the join ack on the late node").isEqualTo(members.size());
        assertThat(joined.people()).as("people in the join ack on the late node").isEqualTo(members.size());
        assertThat(memberUids(joined)).as("members in the join ack on the late node")
                .containsExactlyInAnyOrderElementsOf(members.stream().map(LedgerClient::uid).toList());

        for (LedgerClient c : room.clients()) {
            LedgerClient.Event join = c.awaitEvent(f -> Scenario.isSystem(f, "join", room.id(), newcomer.nick()),
                    SETTLE);
            assertThat(join.frame().getJsonObject("payload").getInt("count")).as("%s: count when %s joined",
                    c.name(), newcomer.name()).isEqualTo(members.size());
        }
        List<LedgerClient> everyone = new ArrayList<>(members);
        everyone.add(watcher);
        Map<LedgerClient, LedgerClient.Event> updated = awaitRoomUpdated(everyone, room.id(), members.size(), SETTLE);
        long first = updated.values().stream().mapToLong(LedgerClient.Event::arrived).min().orElseThrow();
        long last = updated.values().stream().mapToLong(LedgerClient.Event::arrived).max().orElseThrow();
        updated.forEach((c, e) -> System.out.printf("NodeLifecycleIT: %s's lobby showed %d %d ms after the join%n",
                c.name(), members.size(), millis(e.arrived() - joinedAt)));
        assertThat(Duration.ofNanos(last - first)).as("between the first and the last node's lobby showing %d",
                members.size()).isLessThanOrEqualTo(TWO_LOBBY_TICKS);
        Scenario.awaitListedCount(everyone, room.id(), members.size(), SETTLE);

        long seq = newcomer.post(room.id(), "hello from the late node").get(10, TimeUnit.SECONDS);
        Scenario.awaitAll(members, room.id(), seq, Scenario.DEADLINE);
        ledger.assertMatchesDatabase(cluster.storedSeqs(), members.stream().map(LedgerClient::name).toList());
        watcher.close();
        cluster.awaitNodesSeen(4, Scenario.DEADLINE);
        return members;
    }

    /** node-2 gets SIGTERM: its members leave everywhere at once, and every node counts the same. */
    private static void goodbye(Cluster cluster, DeliveryLedger ledger, Scenario.Room room, List<LedgerClient> members)
            throws Exception {
        Cluster.Node leaving = cluster.node(2);
        List<LedgerClient> onLeaving = members.stream().filter(c -> c.name().startsWith(leaving.id() + "/")).toList();
        List<LedgerClient> staying = members.stream().filter(c -> !onLeaving.contains(c)).toList();

        long stoppedAt = System.nanoTime();
        int exit = leaving.terminate();
        System.out.printf("NodeLifecycleIT: %s exited with %d, %d ms after SIGTERM%n", leaving.id(), exit,
                millis(System.nanoTime() - stoppedAt));

        for (LedgerClient s : staying) {
            for (LedgerClient gone : onLeaving) {
                LedgerClient.Event leave = s.awaitEvent(f -> Scenario.isSystem(f, "leave", room.id(), gone.nick()),
                        Scenario.DEADLINE);
                System.out.printf("NodeLifecycleIT: %s saw %s leave %d ms after SIGTERM%n", s.name(), gone.name(),
                        millis(leave.arrived() - stoppedAt));
                assertThat(Duration.ofNanos(leave.arrived() - stoppedAt)).as("%s sees %s leave (goodbye)", s.name(),
                        gone.name()).isLessThanOrEqualTo(GOODBYE);
            }
            JsonObject last = lastSystem(s, room.id());
            assertThat(last.getInt("count")).as("%s: count of the last system event %s", s.name(), last)
                    .isEqualTo(staying.size());
            assertThat(last.getInt("people")).as("%s: people of the last system event %s", s.name(), last)
                    .isEqualTo(staying.size());
        }
        Map<LedgerClient, LedgerClient.Event> updated = awaitRoomUpdated(staying, room.id(), staying.size(), SETTLE);
        updated.forEach((c, e) -> System.out.printf("NodeLifecycleIT: %s's lobby showed %d %d ms after SIGTERM%n",
                c.name(), staying.size(), millis(e.arrived() - stoppedAt)));
        Scenario.awaitListedCount(staying, room.id(), staying.size(), SETTLE);

        // Someone who enters now sees exactly the people who stayed, on whichever node.
        LedgerClient late = LedgerClient.connect(ledger, "node-1/late", cluster.node(1).chat());
        LedgerClient.Joined joined = late.join(room.id(), null);
        List<LedgerClient> present = new ArrayList<>(staying);
        present.add(late);
        assertThat(joined.count()).as("count in the join ack").isEqualTo(present.size());
        assertThat(joined.people()).as("people in the join ack").isEqualTo(present.size());
        assertThat(memberUids(joined)).as("members in the join ack")
                .containsExactlyInAnyOrderElementsOf(present.stream().map(LedgerClient::uid).toList());

        long seq = late.post(room.id(), "after node-2 left").get(10, TimeUnit.SECONDS);
        Scenario.awaitAll(present, room.id(), seq, Scenario.DEADLINE);
        ledger.assertMatchesDatabase(cluster.storedSeqs(), staying.stream().map(LedgerClient::name).toList());
        cluster.awaitNodesSeen(3, Scenario.DEADLINE);
        members.forEach(LedgerClient::close);
        late.close();
    }

    /** The payload of the last {@code system} event {@code client} got in {@code room}. */
    private static JsonObject lastSystem(LedgerClient client, String room) {
        JsonObject last = null;
        for (LedgerClient.Event e : client.events()) {
            if ("system".equals(e.frame().getString("type")) && room.equals(e.frame().getJsonObject("payload")
                    .getString("room", ""))) {
                last = e.frame().getJsonObject("payload");
            }
        }
        assertThat(last).as("%s got a system event in %s", client.name(), room).isNotNull();
        return last;
    }

    /**
     * Waits until each client's latest {@code room_updated} for {@code room} says {@code count};
     * returns, per client, the event from which on it has said so.
     */
    private static Map<LedgerClient, LedgerClient.Event> awaitRoomUpdated(List<LedgerClient> clients, String room,
            int count, Duration timeout) {
        Map<LedgerClient, LedgerClient.Event> since = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LedgerClient c : clients) {
            while (true) {
                LedgerClient.Event from = null;
                Integer latest = null;
                for (LedgerClient.Event e : c.events()) {
                    JsonObject f = e.frame();
                    if ("room_updated".equals(f.getString("type")) && room.equals(f.getJsonObject("payload")
                            .getString("room", ""))) {
                        int n = f.getJsonObject("payload").getInt("count");
                        if (latest == null || n != latest) {
                            from = e;
                        }
                        latest = n;
                    }
                }
                if (latest != null && latest == count) {
                    since.put(c, from);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(c.name() + "'s lobby shows " + latest + " in " + room + ", not " + count
                            + ", after " + timeout);
                }
                Scenario.sleep(20);
            }
        }
        return since;
    }

    private static List<String> memberUids(LedgerClient.Joined joined) {
        return joined.ack().getJsonArray("members").stream().map(JsonValue::asJsonObject)
                .map(m -> m.getString("uid")).toList();
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
