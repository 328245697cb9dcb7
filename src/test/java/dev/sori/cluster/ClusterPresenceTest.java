package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.Presence;
import dev.sori.chat.PresenceContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The presence contract for one node of a cluster, then what only a cluster has: counts and
 * members of every node, announcements of theirs, a lost event repaired by a snapshot, and a dead
 * node's members leaving.
 */
class ClusterPresenceTest extends PresenceContract {
    private final MemoryNetwork network = new MemoryNetwork();
    private final List<ClusterNode> nodes = new ArrayList<>();

    private ClusterNode node(String id, MemoryNetwork.Transport transport) {
        ClusterNode node = new ClusterNode(new ClusterSettings("redis://memory:0", "test", id), transport);
        nodes.add(node);
        return node;
    }

    @Override
    protected Presence newPresence() {
        ClusterNode node = node(null, network.transport());
        node.start();
        return node.presence();
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(ClusterNode::close);
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** What a hub would hear. */
    static final class Heard implements Presence.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void joined(String room, Presence.Member who, Presence.Headcount after) {
            events.add("join " + room + " " + who.nick() + " " + after.connections() + "/" + after.people());
        }

        @Override
        public void left(String room, Presence.Member who, Presence.Headcount after) {
            events.add("leave " + room + " " + who.nick() + " " + after.connections() + "/" + after.people());
        }

        @Override
        public void renamed(String room, Presence.Member who, String oldNick) {
            events.add("nick " + room + " " + oldNick + ">" + who.nick());
        }

        @Override
        public void typing(String room, Presence.Member who) {
            events.add("typing " + room + " " + who.nick());
        }
    }

    @Test
    void everyNodeCountsAndListsTheMembersOfEveryNode() {
        ClusterNode a = node("a", network.transport());
        ClusterNode b = node("b", network.transport());
        Heard heardOnB = new Heard();
        b.presence().listen(heardOnB);
        a.start();
        b.start();
        await("the nodes hear each other", () -> a.status().nodes() == 2 && b.status().nodes() == 2);

        a.presence().joined("r", member("ada"));
        assertThat(b.presence().joined("r", member("bob"))).isIn(new Presence.Headcount(1, 1), new Presence.Headcount(2, 2));
        await("b counts ada", () -> b.presence().headcount("r").equals(new Presence.Headcount(2, 2)));
        await("a counts bob", () -> a.presence().headcount("r").equals(new Presence.Headcount(2, 2)));
        assertThat(b.presence().elsewhere("r")).extracting(Presence.Member::nick).containsExactly("ada");
        await("b hears ada join", () -> heardOnB.events.stream().anyMatch(e -> e.startsWith("join r ada ")));

        Presence.Member renamed = new Presence.Member("ada", "uid-ada", "ada2", "#264653");
        a.presence().renamed("r", renamed, "ada");
        a.presence().typing("r", renamed);
        a.presence().left("r", renamed);
        await("b hears ada leave", () -> heardOnB.events.contains("leave r ada2 1/1"));
        assertThat(heardOnB.events).containsSubsequence("nick r ada>ada2", "typing r ada2", "leave r ada2 1/1");
        assertThat(b.presence().elsewhere("r")).isEmpty();
    }

    @Test
    void aLostEventIsRepairedFromASnapshot() {
        MemoryNetwork.Transport linkOfA = network.transport();
        ClusterNode a = node("a", linkOfA);
        ClusterNode b = node("b", network.transport());
        a.start();
        b.start();
        await("the nodes hear each other", () -> a.status().nodes() == 2 && b.status().nodes() == 2);

        linkOfA.cut(); // the publish of this join is lost
        a.presence().joined("r", member("ada"));
        linkOfA.restore();
        // The next heartbeat carries a's last event number; b notices the gap and asks.
        await("b counts ada after a snapshot", () -> b.presence().headcount("r").equals(new Presence.Headcount(1, 1)));
        a.presence().joined("r", member("cy"));
        await("and then follows a's events again", () -> b.presence().headcount("r").equals(new Presence.Headcount(2, 2)));
    }

    @Test
    void theMembersOfANodeThatSaysGoodbyeLeaveAtOnce() {
        ClusterNode a = node("a", network.transport());
        ClusterNode b = node("b", network.transport());
        Heard heardOnB = new Heard();
        b.presence().listen(heardOnB);
        a.start();
        b.start();
        await("the nodes hear each other", () -> a.status().nodes() == 2 && b.status().nodes() == 2);
        a.presence().joined("r", member("ada"));
        a.presence().joined("r", member("ada"));
        await("b counts both tabs", () -> b.presence().headcount("r").equals(new Presence.Headcount(2, 1)));

        a.close();
        await("both of ada's connections leave", () -> b.presence().headcount("r").equals(Presence.Headcount.EMPTY));
        // The listener hears of the change just after the count shows it (a full run once found the last leave not yet in).
        await("b hears both leaves", () -> heardOnB.events.contains("leave r ada 0/0"));
        assertThat(heardOnB.events).endsWith("leave r ada 1/1", "leave r ada 0/0");
        assertThat(b.status().nodes()).isEqualTo(1);
    }

    /** A node that was deaf (its link down) must not take the others for dead once it hears again. */
    @Test
    void aNodeBackFromAnOutageDeclaresNobodyDeadForItsOwnSilence() throws Exception {
        MemoryNetwork.Transport linkOfA = network.transport();
        MemoryNetwork.Transport linkOfB = network.transport();
        ClusterNode a = node("a", linkOfA);
        ClusterNode b = node("b", linkOfB);
        a.start();
        b.start();
        await("the nodes hear each other", () -> a.status().nodes() == 2 && b.status().nodes() == 2);
        b.presence().joined("r", member("bob"));
        await("a counts bob", () -> a.presence().headcount("r").equals(new Presence.Headcount(1, 1)));

        linkOfA.cut();
        Thread.sleep(6_000); // a is degraded: it declares nobody dead meanwhile
        assertThat(a.presence().headcount("r")).isEqualTo(new Presence.Headcount(1, 1));
        // b is late to come back (a pause, a slow reconnect): a hears itself before it hears b.
        linkOfB.silence();
        linkOfA.restore();
        await("a hears itself again", () -> a.status().redis().equals(ClusterStatus.OK));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < until) {
            assertThat(a.presence().headcount("r")).as("bob, counted by a after its outage")
                    .isEqualTo(new Presence.Headcount(1, 1));
            Thread.sleep(10);
        }
        linkOfB.restore();
        assertThat(a.status().nodes()).isEqualTo(2);
    }

    @Test
    void aSilentNodeIsDeclaredDeadAndItsMembersLeave() {
        MemoryNetwork.Transport linkOfA = network.transport();
        ClusterNode a = node("a", linkOfA);
        ClusterNode b = node("b", network.transport());
        a.start();
        b.start();
        await("the nodes hear each other", () -> a.status().nodes() == 2 && b.status().nodes() == 2);
        a.presence().joined("r", member("ada"));
        await("b counts ada", () -> b.presence().headcount("r").equals(new Presence.Headcount(1, 1)));

        long cutAt = System.nanoTime();
        linkOfA.silence(); // looks up, carries nothing
        await("b declares a dead", () -> b.presence().headcount("r").equals(Presence.Headcount.EMPTY));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt)).isGreaterThanOrEqualTo(5000);
        await("a knows it is cut off", () -> a.status().redis().equals(ClusterStatus.DEGRADED));
        assertThat(a.status().nodes()).as("a degraded node declares nobody dead").isEqualTo(2);
        assertThat(linkOfA.reconnects).as("a silent link is dropped and made again").isPositive();

        linkOfA.restore();
        await("a is back with its member", () -> b.presence().headcount("r").equals(new Presence.Headcount(1, 1)));
        await("a hears itself again", () -> a.status().redis().equals(ClusterStatus.OK));
    }
}
