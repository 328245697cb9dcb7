package dev.sori.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.Client;
import dev.sori.chat.Connection;
import dev.sori.chat.Hub;
import dev.sori.protocol.ClientFrameDecoder;
import dev.sori.store.DatabaseChatStorage;
import dev.sori.store.StoreSettings;
import dev.sori.store.Storage;
import dev.sori.testing.PostgresDatabase;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three hubs in one JVM, each with its own storage on one PostgreSQL database and its own node on
 * an in-memory network: one chat, as with three processes on Redis, in seconds. The multi-process
 * tests (on a real Redis) check the same with real sockets and failures of real processes.
 */
class ClusterHubsTest {
    private final MemoryNetwork network = new MemoryNetwork();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private PostgresDatabase database;
    private final List<Node> nodes = new ArrayList<>();

    /** One node: its storage, its cluster node, its hub. */
    record Node(Hub hub, ClusterNode cluster, MemoryNetwork.Transport link) {
    }

    /** A connection that keeps every frame as parsed JSON. */
    static final class Peer implements Connection {
        final List<JsonObject> frames = new CopyOnWriteArrayList<>();
        Client client;

        @Override
        public void send(String text, SendCallback done) {
            frames.add(Json.createReader(new StringReader(text)).readObject());
            done.completed(null);
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }

        void request(String json) {
            client.handle(new ClientFrameDecoder().decode(json));
        }

        List<JsonObject> ofType(String type) {
            return frames.stream().filter(f -> f.getString("type").equals(type)).toList();
        }

        List<String> texts(String room) {
            return ofType("message").stream().map(f -> f.getJsonObject("payload"))
                    .filter(p -> p.getString("room").equals(room))
                    .map(p -> p.getJsonNumber("seq").longValue() + ":" + p.getString("text")).toList();
        }
    }

    @BeforeEach
    void startThreeNodes() {
        database = PostgresDatabase.createOrSkip();
        StoreSettings store = StoreSettings.jdbc(database.url(), PostgresDatabase.USER, PostgresDatabase.PASSWORD)
                .withPoolSize(3);
        for (int i = 1; i <= 3; i++) {
            DatabaseChatStorage storage = new DatabaseChatStorage(Storage.openShared(store), 2);
            MemoryNetwork.Transport link = network.transport();
            ClusterNode cluster = new ClusterNode(new ClusterSettings("redis://memory:0", "test", "n" + i), link);
            Hub hub = new Hub(ChatSettings.defaults().withoutAbuseLimits(), "test", storage.chatStorage(), cluster.bus(),
                    cluster.presence());
            cluster.start();
            opened.add(0, storage);
            opened.add(0, cluster);
            opened.add(0, hub);
            nodes.add(new Node(hub, cluster, link));
        }
        await("the nodes hear each other", () -> nodes.stream().allMatch(n -> n.cluster().status().nodes() == 3));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (database != null) {
            database.close();
        }
    }

    Peer connect(int node) {
        Peer peer = new Peer();
        peer.client = nodes.get(node).hub().connect(peer, null);
        await("welcome", () -> !peer.ofType("welcome").isEmpty());
        return peer;
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void peopleOnDifferentNodesTalkInOneOrder() {
        Peer a = connect(0);
        Peer b = connect(1);
        Peer c = connect(2);
        for (int i = 0; i < 30; i++) {
            Peer author = List.of(a, b, c).get(i % 3);
            author.request("{\"type\":\"new_message\",\"id\":\"" + i + "\",\"payload\":{\"text\":\"m" + i + "\"}}");
        }
        await("everyone has 30 messages", () -> List.of(a, b, c).stream().allMatch(p -> p.texts("general").size() == 30));
        List<String> order = a.texts("general");
        assertThat(b.texts("general")).isEqualTo(order);
        assertThat(c.texts("general")).isEqualTo(order);
        assertThat(order.stream().map(t -> Long.parseLong(t.split(":")[0])).toList())
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 30).boxed().toList());
        // Each ack follows its message's delivery here; on a loaded machine the last may trail the others' copies.
        await("a has an ack per message", () -> a.ofType("ack").size() == 10);
    }

    @Test
    void countsMemberListsAndAnnouncementsAreOfEveryNode() {
        Peer a = connect(0);
        Peer b = connect(1);
        await("a hears b join general with the count of both nodes", () -> a.ofType("system").stream()
                .map(f -> f.getJsonObject("payload"))
                .anyMatch(p -> p.getString("kind").equals("join") && p.getInt("count") == 2 && p.getInt("people") == 2));

        a.request("{\"type\":\"create_room\",\"id\":\"c\",\"payload\":{\"title\":\"Across\"}}");
        await("the room is created", () -> !a.ofType("ack").isEmpty());
        String room = a.ofType("ack").get(0).getJsonObject("payload").getString("room");
        await("node 2 shows the new room", () -> b.ofType("room_created").stream()
                .anyMatch(f -> f.getJsonObject("payload").getString("room").equals(room)));

        b.request("{\"type\":\"join\",\"id\":\"j\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("b's join is answered", () -> b.ofType("ack").stream().anyMatch(f -> f.getString("id").equals("j")));
        JsonObject joined = b.ofType("ack").stream().filter(f -> f.getString("id").equals("j")).findFirst().orElseThrow()
                .getJsonObject("payload");
        assertThat(joined.getInt("count")).isEqualTo(2);
        assertThat(joined.getJsonArray("members").stream().map(m -> m.asJsonObject().getString("nick"))
                .collect(Collectors.toSet())).hasSize(2);
        await("a hears b enter its room", () -> a.ofType("system").stream().map(f -> f.getJsonObject("payload"))
                .anyMatch(p -> p.getString("room").equals(room) && p.getString("kind").equals("join")
                        && p.getInt("count") == 2));

        b.request("{\"type\":\"typing\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("a sees b typing", () -> !a.ofType("typing").isEmpty());
        b.request("{\"type\":\"nickname\",\"id\":\"n\",\"payload\":{\"nick\":\"Bea\"}}");
        await("a hears the rename", () -> a.ofType("system").stream().map(f -> f.getJsonObject("payload"))
                .anyMatch(p -> p.getString("kind").equals("nick") && p.getString("nick").equals("Bea")));
    }

    @Test
    void aRoomIsFullWithTheMembersOfEveryNode() {
        Peer a = connect(0);
        Peer b = connect(1);
        Peer c = connect(2);
        a.request("{\"type\":\"create_room\",\"id\":\"c\",\"payload\":{\"title\":\"Two\",\"max\":2}}");
        await("the room is created", () -> !a.ofType("ack").isEmpty());
        String room = a.ofType("ack").get(0).getJsonObject("payload").getString("room");
        await("the other nodes show it", () -> List.of(b, c).stream().allMatch(p -> p.ofType("room_created").stream()
                .anyMatch(f -> f.getJsonObject("payload").getString("room").equals(room))));
        b.request("{\"type\":\"join\",\"id\":\"j\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("b is in", () -> b.ofType("ack").stream().anyMatch(f -> f.getString("id").equals("j")));
        await("node 3 counts both", () -> nodes.get(2).hub().chat().room(room).count() == 2);

        c.request("{\"type\":\"join\",\"id\":\"j\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("c is refused", () -> !c.ofType("error").isEmpty());
        assertThat(c.ofType("error").get(0).getJsonObject("payload").getString("code")).isEqualTo("room_full");
    }

    @Test
    void moderationOnOneNodeReachesThePeopleOnEveryNode() {
        Peer owner = connect(0);
        Peer bob = connect(1);
        Peer carol = connect(2);
        owner.request("{\"type\":\"create_room\",\"id\":\"c\",\"payload\":{\"title\":\"Moderated\"}}");
        await("the room is created", () -> !owner.ofType("ack").isEmpty());
        String room = owner.ofType("ack").get(0).getJsonObject("payload").getString("room");
        await("the other nodes show it", () -> List.of(bob, carol).stream().allMatch(p -> p.ofType("room_created")
                .stream().anyMatch(f -> f.getJsonObject("payload").getString("room").equals(room))));
        for (Peer p : List.of(bob, carol)) {
            p.request("{\"type\":\"join\",\"id\":\"j\",\"payload\":{\"room\":\"" + room + "\"}}");
            await("joined", () -> p.ofType("ack").stream().anyMatch(f -> f.getString("id").equals("j")));
        }
        String bobUid = bob.ofType("welcome").get(0).getJsonObject("payload").getString("uid");

        // A message on node 3, deleted by the owner on node 1: node 2 hears of it.
        carol.request("{\"type\":\"new_message\",\"id\":\"m\",\"payload\":{\"room\":\"" + room
                + "\",\"text\":\"oops\"}}");
        await("bob has it", () -> bob.texts(room).size() == 1);
        long seq = Long.parseLong(bob.texts(room).get(0).split(":")[0]);
        owner.request("{\"type\":\"delete_message\",\"id\":\"d\",\"payload\":{\"room\":\"" + room
                + "\",\"seq\":" + seq + "}}");
        await("bob and carol are told", () -> List.of(bob, carol).stream().allMatch(p -> p.ofType("message_deleted")
                .stream().anyMatch(f -> f.getJsonObject("payload").getJsonNumber("seq").longValue() == seq)));

        // The owner on node 1 bans bob on node 2: bob is out, carol on node 3 sees a ban, bob cannot come back.
        owner.request("{\"type\":\"ban\",\"id\":\"b\",\"payload\":{\"room\":\"" + room + "\",\"uid\":\""
                + bobUid + "\"}}");
        await("bob is told", () -> !bob.ofType("kicked").isEmpty());
        assertThat(bob.ofType("kicked").get(0).getJsonObject("payload").getBoolean("banned")).isTrue();
        await("carol sees a ban, not a leave", () -> carol.ofType("system").stream().map(f -> f.getJsonObject("payload"))
                .anyMatch(p -> p.getString("room").equals(room) && p.getString("kind").equals("ban")
                        && p.getString("uid").equals(bobUid)));
        await("every node counts bob out", () -> nodes.stream().allMatch(n -> n.hub().chat().room(room).count() == 2));
        bob.request("{\"type\":\"join\",\"id\":\"again\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("bob is refused", () -> bob.ofType("error").stream().anyMatch(f -> f.getString("id").equals("again")));
        assertThat(bob.ofType("error").get(0).getJsonObject("payload").getString("code")).isEqualTo("forbidden");
        Peer bobOnNode3 = new Peer();
        bobOnNode3.client = nodes.get(2).hub().connect(bobOnNode3,
                bob.ofType("welcome").get(0).getJsonObject("payload").getString("token"));
        await("welcome", () -> !bobOnNode3.ofType("welcome").isEmpty());
        bobOnNode3.request("{\"type\":\"join\",\"id\":\"j3\",\"payload\":{\"room\":\"" + room + "\"}}");
        await("refused on node 3 too", () -> !bobOnNode3.ofType("error").isEmpty());
        assertThat(bobOnNode3.ofType("error").get(0).getJsonObject("payload").getString("code")).isEqualTo("forbidden");
    }

    @Test
    void whatTheBusLostIsDeliveredByTheSweep() {
        Peer a = connect(0);
        Peer b = connect(1);
        nodes.get(0).link().cut(); // node 1 loses its link: its publishes go nowhere
        a.request("{\"type\":\"new_message\",\"id\":\"x\",\"payload\":{\"text\":\"while cut off\"}}");
        await("b gets it from the log", () -> b.texts("general").contains("1:while cut off"));
        nodes.get(0).link().restore();
        a.request("{\"type\":\"new_message\",\"id\":\"y\",\"payload\":{\"text\":\"back\"}}");
        await("and the next one", () -> b.texts("general").equals(List.of("1:while cut off", "2:back")));
    }

    @Test
    void aClientThatSawMoreElsewhereRecoversExactly() {
        Peer a = connect(0);
        nodes.get(0).link().cut(); // node 2 will not hear these until its sweep
        for (int i = 1; i <= 3; i++) {
            a.request("{\"type\":\"new_message\",\"id\":\"" + i + "\",\"payload\":{\"text\":\"m" + i + "\"}}");
        }
        await("a has all three", () -> a.texts("general").size() == 3);
        // Someone who saw seq 3 on node 1 joins node 2 at once: node 2 catches up from the log first.
        Peer again = connect(1);
        again.request("{\"type\":\"join\",\"id\":\"r\",\"payload\":{\"room\":\"general\",\"since\":3}}");
        await("the join is answered", () -> again.ofType("ack").stream().anyMatch(f -> f.getString("id").equals("r")));
        JsonObject ack = again.ofType("ack").stream().filter(f -> f.getString("id").equals("r")).findFirst().orElseThrow()
                .getJsonObject("payload");
        assertThat(ack.getBoolean("recovered")).isTrue();
        assertThat(ack.getJsonArray("history")).isEmpty();
        nodes.get(0).link().restore();
    }
}
