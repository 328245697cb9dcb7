package dev.sori.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

/**
 * Rooms, durable history and recovery (issue 3) end to end: real WebSocket clients against the
 * packaged server process, as users see it. Subclasses differ only in the storage the server is
 * started on (embedded H2 in a data directory, or a PostgreSQL database).
 *
 * <p>Most tests share one server per class, started with {@code --max-room-capacity}
 * {@value #CAPACITY_CAP}; each creates rooms of its own and looks only at frames about them
 * (lobby events reach every connection, and late departures of an earlier test's clients show
 * up in {@code general}). The restart, SIGKILL and empty-room tests start servers of their own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class RoomsContract {
    static final int CAPACITY_CAP = 50;
    /** The page {@code join} and {@code history} give by default. */
    static final int PAGE = 50;
    /** The most missed messages the server replays for {@code join} with {@code since} ({@code ChatService.MAX_RECOVERY}). */
    static final int MAX_REPLAYED = 1000;
    static final Duration QUIET = Duration.ofMillis(700);

    /** Where a server keeps its data; the same storage may serve several servers in turn. */
    record Storage(String description, List<String> serverArgs, Runnable cleanup) implements AutoCloseable {
        @Override
        public void close() {
            cleanup.run();
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Fresh, empty storage for a server; may skip the calling tests (no PostgreSQL). */
    abstract Storage newStorage();

    private final AtomicLong ids = new AtomicLong();
    private final List<AutoCloseable> perTest = Collections.synchronizedList(new ArrayList<>());
    private final List<ServerProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private Storage sharedStorage;
    private ServerProcess shared;
    private String unavailable; // why the storage cannot be had (no PostgreSQL), or null

    @RegisterExtension
    final TestWatcher printServerOutputOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            synchronized (processes) {
                for (ServerProcess p : processes) {
                    String out = p.output();
                    int keep = p == shared ? 10_000 : 40_000;
                    System.out.println("[" + RoomsContract.this.getClass().getSimpleName() + "] "
                            + context.getDisplayName() + " failed; output of " + (p == shared ? "the shared" : "its")
                            + " server (pid " + p.pid() + "):\n" + out.substring(Math.max(0, out.length() - keep)));
                }
            }
        }
    };

    @BeforeAll
    void startSharedServer() {
        try {
            sharedStorage = newStorage();
        } catch (TestAbortedException e) {
            // Repeated per test, so that every test shows up as skipped with the reason, instead of
            // the class silently running nothing (as the store tests do).
            unavailable = e.getMessage();
            System.err.println(getClass().getSimpleName() + ": " + unavailable);
            return;
        }
        shared = startOn(sharedStorage, "--max-room-capacity", Integer.toString(CAPACITY_CAP));
    }

    @AfterAll
    void stopSharedServer() throws Exception {
        if (shared != null) {
            shared.close();
        }
        if (sharedStorage != null) {
            sharedStorage.close();
        }
    }

    @AfterEach
    void closeWhatTheTestOpened() throws Exception {
        List<AutoCloseable> all;
        synchronized (perTest) {
            all = new ArrayList<>(perTest);
            perTest.clear();
        }
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            c.close();
        }
    }

    @BeforeEach
    void requireStorage() {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
    }

    @BeforeEach
    void forgetEarlierTestsServers() {
        synchronized (processes) { // kept until now for printServerOutputOnFailure, which runs after @AfterEach
            processes.removeIf(p -> p != shared);
        }
    }

    // ---------------------------------------------------------------- rooms and the lobby

    @Test
    void createRoomJoinsTheCreatorAndShowsTheRoomToEveryone() {
        TestClient observer = connect();
        TestClient ada = connect();

        JsonObject created = ack(ada, "create_room", "{\"title\":\"  Book club  \",\"max\":5}");
        String room = created.getString("room");
        assertThat(room).isNotBlank().isNotEqualTo("general");
        assertThat(created.getString("title")).as("the title, trimmed").isEqualTo("Book club");
        assertThat(created.getInt("count")).isEqualTo(1);
        assertThat(created.getJsonArray("members")).containsExactly(member(ada));
        assertThat(created.getJsonArray("history")).isEmpty();
        assertThat(created.getBoolean("recovered")).isFalse();

        JsonObject announced = observer.next(event("room_created", room)).getJsonObject("payload");
        assertThat(announced.keySet()).containsExactlyInAnyOrder("room", "title", "count", "people", "max", "locked", "owner",
                "ownerUid");
        assertThat(announced.getString("ownerUid")).isEqualTo(ada.welcome().getString("uid"));
        assertThat(announced.getString("title")).isEqualTo("Book club");
        assertThat(announced.getInt("max")).isEqualTo(5);
        assertThat(announced.getBoolean("locked")).isFalse();
        assertThat(announced.getString("owner")).isEqualTo(ada.nick());
        // The room is announced as it is created; the creator's entry may follow as a room_updated.
        assertThat(announced.getInt("count")).isBetween(0, 1);
        if (announced.getInt("count") == 0) {
            observer.next(roomUpdated(room, 1));
        }

        JsonObject listed = ack(observer, "list_rooms", null);
        List<JsonObject> rooms = listed.getJsonArray("rooms").getValuesAs(JsonObject.class);
        assertThat(rooms.get(0).getString("room")).as("general comes first").isEqualTo("general");
        assertThat(find(rooms, room)).isEqualTo(jsonObject("{\"room\":" + q(room)
                + ",\"title\":\"Book club\",\"count\":1,\"people\":1,\"max\":5,\"locked\":false,\"owner\":" + q(ada.nick())
                + ",\"ownerUid\":" + q(ada.welcome().getString("uid")) + "}"));

        // The creator is in the room: it can post there and sees its own message.
        List<JsonObject> frames = framesUntilReply(ada, "new_message", "{\"text\":\"first!\",\"room\":" + q(room) + "}");
        JsonObject posted = frames.get(frames.size() - 1);
        assertThat(posted.getString("type")).isEqualTo("ack");
        assertThat(posted.getJsonObject("payload")).isEqualTo(jsonObject("{\"room\":" + q(room) + ",\"seq\":1}"));
        JsonObject message = frames.stream().filter(f -> isMessage(f, room)).findFirst()
                .orElseThrow(() -> new AssertionError("the sender's own message did not come before its ack: " + frames))
                .getJsonObject("payload");
        assertThat(message.getString("text")).isEqualTo("first!");
        assertThat(message.getString("nick")).isEqualTo(ada.nick());
        assertThat(message.getString("color")).isEqualTo(ada.welcome().getString("color"));
        assertThat(message.getJsonNumber("seq").longValue()).isEqualTo(1);
        assertThat(message.getJsonNumber("ts").longValue()).isPositive();
    }

    @Test
    void createRoomChecksTitleAndCapacity() {
        TestClient ada = connect();
        Set<String> before = roomIds(ada);
        assertError(ada, "create_room", "{\"title\":\"   \"}", "invalid_argument");
        assertError(ada, "create_room", "{}", "invalid_argument");
        assertError(ada, "create_room", "{\"title\":" + q("x".repeat(65)) + "}", "invalid_argument");
        assertError(ada, "create_room", "{\"title\":\"tiny\",\"max\":1}", "invalid_argument");
        assertError(ada, "create_room", "{\"title\":\"huge\",\"max\":" + (CAPACITY_CAP + 1) + "}", "invalid_argument");
        assertThat(roomIds(ada)).as("no room was created by refused requests").isEqualTo(before);

        JsonObject longest = ack(ada, "create_room", "{\"title\":" + q(" " + "y".repeat(64) + " ") + ",\"max\":"
                + CAPACITY_CAP + "}");
        assertThat(longest.getString("title")).isEqualTo("y".repeat(64));
        JsonObject pair = ack(ada, "create_room", "{\"title\":\"pair\",\"max\":2}");
        JsonObject unbounded = ack(ada, "create_room", "{\"title\":\"no limit\"}");
        List<JsonObject> rooms = listRooms(ada);
        assertThat(find(rooms, longest.getString("room")).getInt("max")).isEqualTo(CAPACITY_CAP);
        assertThat(find(rooms, pair.getString("room")).getInt("max")).isEqualTo(2);
        assertThat(find(rooms, unbounded.getString("room")).get("max"))
                .as("a room without a capacity has no max").isIn(null, JsonValue.NULL);
    }

    @Test
    void lobbyCountsAndSystemEventsFollowJoinsAndLeaves() {
        TestClient observer = connect();
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"counts\"}");

        JsonObject joined = ack(bob, "join", "{\"room\":" + q(room) + "}");
        assertThat(joined.getString("room")).isEqualTo(room);
        assertThat(joined.getString("title")).isEqualTo("counts");
        assertThat(joined.getInt("count")).isEqualTo(2);
        assertThat(joined.getJsonArray("members")).containsExactlyInAnyOrder(member(ada), member(bob));
        assertThat(joined.getJsonArray("history")).isEmpty();
        assertThat(joined.getBoolean("recovered")).isFalse();
        observer.next(roomUpdated(room, 2));
        JsonObject join = ada.next(system(room, "join").and(f -> f.getJsonObject("payload").getInt("count") == 2))
                .getJsonObject("payload");
        assertThat(join.getString("nick")).isEqualTo(bob.nick());
        assertThat(join.getInt("count")).isEqualTo(2);
        ada.next(roomUpdated(room, 2));

        assertThat(ack(bob, "leave", "{\"room\":" + q(room) + "}")).isEqualTo(JsonValue.EMPTY_JSON_OBJECT);
        JsonObject leave = ada.next(system(room, "leave")).getJsonObject("payload");
        assertThat(leave.getString("nick")).isEqualTo(bob.nick());
        assertThat(leave.getInt("count")).isEqualTo(1);
        observer.next(roomUpdated(room, 1));
        assertError(bob, "new_message", "{\"text\":\"still here?\",\"room\":" + q(room) + "}", "not_in_room");
        assertError(bob, "history", "{\"room\":" + q(room) + "}", "not_in_room");
        assertError(bob, "leave", "{\"room\":" + q(room) + "}", "not_in_room");

        // A disconnection is a departure too.
        TestClient cleo = connect();
        ack(cleo, "join", "{\"room\":" + q(room) + "}");
        observer.next(roomUpdated(room, 2));
        cleo.closeAndWait();
        JsonObject gone = ada.next(system(room, "leave")).getJsonObject("payload");
        assertThat(gone.getString("nick")).isEqualTo(cleo.nick());
        assertThat(gone.getInt("count")).isEqualTo(1);
        observer.next(roomUpdated(room, 1));
        assertThat(find(listRooms(observer), room).getInt("count")).isEqualTo(1);
    }

    @Test
    void onlyTheOwnerDeletesARoomAndItsMembersStayConnected() {
        TestClient observer = connect();
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"short-lived\"}");
        ack(bob, "join", "{\"room\":" + q(room) + "}");
        post(ada, room, "soon gone");

        assertError(bob, "delete_room", "{\"room\":" + q(room) + "}", "forbidden");
        assertError(observer, "delete_room", "{\"room\":" + q(room) + "}", "forbidden");
        assertThat(roomIds(observer)).contains(room);

        List<JsonObject> untilAck = framesUntilReply(ada, "delete_room", "{\"room\":" + q(room) + "}");
        JsonObject deleted = untilAck.get(untilAck.size() - 1);
        assertThat(deleted.getString("type")).isEqualTo("ack");
        assertThat(deleted.getJsonObject("payload")).isEqualTo(JsonValue.EMPTY_JSON_OBJECT);
        JsonObject removedForAda = untilAck.stream().filter(event("room_removed", room)).findFirst()
                .orElseGet(() -> ada.next(event("room_removed", room)));
        assertThat(removedForAda.getJsonObject("payload").getString("title")).isEqualTo("short-lived");
        for (TestClient c : List.of(observer, bob)) {
            assertThat(c.next(event("room_removed", room)).getJsonObject("payload").getString("title"))
                    .isEqualTo("short-lived");
        }
        assertThat(roomIds(observer)).doesNotContain(room);

        // The members are still connected, no longer in the room, and general still works.
        assertThat(bob.isOpen()).isTrue();
        assertError(bob, "new_message", "{\"text\":\"hello?\",\"room\":" + q(room) + "}", "not_in_room");
        assertError(ada, "history", "{\"room\":" + q(room) + "}", "not_in_room");
        JsonObject posted = ack(bob, "new_message", q("back in general"));
        assertThat(posted.getString("room")).isEqualTo("general");
        assertThat(ada.next(f -> isMessage(f, "general") && text(f).equals("back in general"))).isNotNull();
        assertError(bob, "join", "{\"room\":" + q(room) + "}", "not_found");
        assertError(ada, "delete_room", "{\"room\":" + q(room) + "}", "not_found");
    }

    @Test
    void generalIsPermanentAndUnknownRoomsAreNotFound() {
        TestClient ada = connect();
        assertError(ada, "delete_room", "{\"room\":\"general\"}", "forbidden");
        assertThat(listRooms(ada).get(0).getString("room")).isEqualTo("general");
        assertError(ada, "join", "{\"room\":\"no-such-room\"}", "not_found");
        assertError(ada, "join", "{\"room\":\"no-such-room\",\"since\":3}", "not_found");
        assertError(ada, "delete_room", "{\"room\":\"no-such-room\"}", "not_found");
        assertThat(ack(ada, "new_message", q("general still works")).getString("room")).isEqualTo("general");
    }

    /**
     * Once a room is gone from the lobby it stays gone: no {@code room_updated} about it may follow
     * its {@code room_removed} (the page would show the deleted room again, with a count, until
     * reloaded). Rooms are created and deleted quickly by several owners while many connections
     * watch the lobby, so that deletions land while the count changes of the same rooms are
     * being announced.
     */
    @Test
    void noLobbyEventAboutARoomFollowsItsRemoval() throws Exception {
        int watchers = 60;
        int owners = 10;
        int rounds = 30;
        List<TestClient> lobby = connectMany(watchers);
        List<Thread> threads = new ArrayList<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        for (int n = 0; n < owners; n++) {
            TestClient owner = connect();
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        String room = createRoom(owner, "{\"title\":\"fleeting\"}");
                        ack(owner, "delete_room", "{\"room\":" + q(room) + "}");
                    }
                } catch (Throwable e) {
                    problems.add(e.toString());
                }
            }, "owner-" + n);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        assertThat(problems).isEmpty();
        // The last room removed: each watcher reads up to its removal.
        TestClient last = connect();
        String marker = createRoom(last, "{\"title\":\"marker\"}");
        ack(last, "delete_room", "{\"room\":" + q(marker) + "}");

        Map<String, List<String>> late = new TreeMap<>();
        for (TestClient watcher : lobby) {
            Set<String> removed = new HashSet<>();
            while (!removed.contains(marker)) {
                JsonObject f = watcher.next(TestClient::isLobbyEvent);
                String room = f.getJsonObject("payload").getString("room");
                if ("room_removed".equals(f.getString("type"))) {
                    removed.add(room);
                } else if (removed.contains(room)) {
                    late.computeIfAbsent(room, r -> new ArrayList<>()).add(f.toString());
                }
            }
        }
        assertThat(late).as("lobby events that came after their room's room_removed (room -> events)").isEmpty();
    }

    // ---------------------------------------------------------------- password and capacity

    @Test
    void aPasswordProtectedRoomRevealsNothingWithoutThePassword() {
        TestClient observer = connect();
        TestClient ada = connect();
        TestClient bob = connect();
        String password = "open sesame 42";
        String secret = "the treasure is under the old oak";
        JsonObject created = ack(ada, "create_room", "{\"title\":\"Hideout\",\"password\":" + q(password) + "}");
        String room = created.getString("room");
        JsonObject announced = observer.next(event("room_created", room));
        assertThat(announced.getJsonObject("payload").getBoolean("locked")).isTrue();
        assertThat(announced.toString()).doesNotContain(password);
        post(ada, room, secret);

        for (String payload : List.of("{\"room\":" + q(room) + "}",
                "{\"room\":" + q(room) + ",\"password\":\"open sesame\"}",
                "{\"room\":" + q(room) + ",\"password\":\"\"}",
                "{\"room\":" + q(room) + ",\"password\":\"wrong\",\"since\":0}")) {
            JsonObject error = request(bob, "join", payload);
            assertThat(error.getString("type")).as("join %s", payload).isEqualTo("error");
            JsonObject body = error.getJsonObject("payload");
            assertThat(body.getString("code")).isEqualTo("forbidden");
            assertThat(body.keySet()).containsExactlyInAnyOrder("code", "message");
            assertThat(error.toString()).doesNotContain(secret, "treasure", password);
        }
        assertError(bob, "history", "{\"room\":" + q(room) + "}", "not_in_room");
        assertError(bob, "new_message", "{\"text\":\"let me in\",\"room\":" + q(room) + "}", "not_in_room");

        JsonObject joined = ack(bob, "join", "{\"room\":" + q(room) + ",\"password\":" + q(password) + "}");
        assertThat(joined.getInt("count")).isEqualTo(2);
        assertThat(texts(joined.getJsonArray("history"))).containsExactly(secret);

        JsonObject listed = find(listRooms(observer), room);
        assertThat(listed.getBoolean("locked")).isTrue();
        assertThat(listed.keySet()).doesNotContain("password");
        assertThat(listed.toString()).doesNotContain(password);
    }

    @Test
    void aFullRoomRefusesTheNextMember() {
        TestClient observer = connect();
        TestClient ada = connect();
        TestClient bob = connect();
        TestClient cleo = connect();
        String room = createRoom(ada, "{\"title\":\"pair\",\"max\":2}");
        assertThat(ack(bob, "join", "{\"room\":" + q(room) + "}").getInt("count")).isEqualTo(2);
        observer.next(roomUpdated(room, 2));

        assertError(cleo, "join", "{\"room\":" + q(room) + "}", "room_full");
        assertError(cleo, "new_message", "{\"text\":\"hi\",\"room\":" + q(room) + "}", "not_in_room");
        JsonObject info = find(listRooms(observer), room);
        assertThat(info.getInt("count")).isEqualTo(2);
        assertThat(info.getInt("max")).isEqualTo(2);

        ack(bob, "leave", "{\"room\":" + q(room) + "}");
        assertThat(ack(cleo, "join", "{\"room\":" + q(room) + "}").getInt("count")).isEqualTo(2);
    }

    // ---------------------------------------------------------------- history, typing

    @Test
    void joinGivesTheLatestFiftyAndHistoryPagesBackwardsNewestLast() {
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"archive\"}");
        List<String> texts = numbered("m", 1, 120);
        assertThat(postAll(ada, room, texts)).as("one sender's messages keep their order")
                .containsExactlyElementsOf(range(1, 120));

        JsonObject joined = ack(bob, "join", "{\"room\":" + q(room) + "}");
        assertThat(joined.getBoolean("recovered")).isFalse();
        List<JsonObject> latest = joined.getJsonArray("history").getValuesAs(JsonObject.class);
        assertThat(seqs(latest)).containsExactlyElementsOf(range(71, 120));
        assertThat(texts(latest)).containsExactlyElementsOf(numbered("m", 71, 120));
        JsonObject last = latest.get(latest.size() - 1);
        assertThat(last.getString("room")).isEqualTo(room);
        assertThat(last.getString("nick")).isEqualTo(ada.nick());
        assertThat(last.getString("color")).isEqualTo(ada.welcome().getString("color"));
        assertThat(last.getJsonNumber("ts").longValue()).isPositive();

        assertThat(seqs(history(bob, "{\"room\":" + q(room) + "}"))).containsExactlyElementsOf(range(71, 120));
        assertThat(seqs(history(bob, "{\"room\":" + q(room) + ",\"before\":71}"))).containsExactlyElementsOf(range(21, 70));
        assertThat(texts(history(bob, "{\"room\":" + q(room) + ",\"before\":21,\"limit\":100}")))
                .containsExactlyElementsOf(numbered("m", 1, 20));
        assertThat(seqs(history(bob, "{\"room\":" + q(room) + ",\"limit\":100}"))).containsExactlyElementsOf(range(21, 120));
        assertThat(seqs(history(bob, "{\"room\":" + q(room) + ",\"before\":51,\"limit\":1}"))).containsExactly(50L);
        assertThat(history(bob, "{\"room\":" + q(room) + ",\"before\":1}")).isEmpty();
        List<JsonObject> all = history(bob, "{\"room\":" + q(room) + ",\"before\":1000,\"limit\":100}");
        assertThat(all).extracting(m -> m.getJsonNumber("ts").longValue()).isSorted();

        assertError(bob, "history", "{\"room\":" + q(room) + ",\"limit\":0}", "invalid_argument");
        assertError(bob, "history", "{\"room\":" + q(room) + ",\"limit\":101}", "invalid_argument");
        assertError(bob, "history", "{\"room\":" + q(room) + ",\"before\":0}", "invalid_argument");
    }

    @Test
    void typingReachesTheOtherMembersOnly() {
        TestClient ada = connect();
        TestClient bob = connect();
        TestClient cleo = connect();
        TestClient outsider = connect();
        String room = createRoom(ada, "{\"title\":\"typists\"}");
        ack(bob, "join", "{\"room\":" + q(room) + "}");
        ack(cleo, "join", "{\"room\":" + q(room) + "}");

        ada.send("typing", "{\"room\":" + q(room) + "}", null);
        JsonObject expected = jsonObject("{\"room\":" + q(room) + ",\"uid\":" + q(ada.welcome().getString("uid"))
                + ",\"nick\":" + q(ada.nick()) + ",\"color\":"
                + q(ada.welcome().getString("color")) + "}");
        assertThat(bob.next(event("typing", room)).getJsonObject("payload")).isEqualTo(expected);
        assertThat(cleo.next(event("typing", room)).getJsonObject("payload")).isEqualTo(expected);
        ada.expectNone(f -> "typing".equals(f.getString("type")), QUIET);
        outsider.expectNone(f -> "typing".equals(f.getString("type")), Duration.ofMillis(100));
        assertError(outsider, "typing", "{\"room\":" + q(room) + "}", "not_in_room");
        bob.expectNone(f -> "typing".equals(f.getString("type")), Duration.ofMillis(100));
    }

    // ---------------------------------------------------------------- order

    @Test
    void concurrentPostersAllSeeTheSameMessagesInTheSameSeqOrderWithoutGaps() throws Exception {
        int members = 4;
        int each = 50;
        int total = members * each;
        List<TestClient> clients = new ArrayList<>();
        TestClient owner = connect();
        clients.add(owner);
        String room = createRoom(owner, "{\"title\":\"busy\"}");
        for (int i = 1; i < members; i++) {
            TestClient c = connect();
            ack(c, "join", "{\"room\":" + q(room) + "}");
            clients.add(c);
        }
        for (TestClient c : clients) { // everyone is in before the first message
            c.next(f -> isSystem(f, room, "join") && f.getJsonObject("payload").getInt("count") == members);
        }

        CountDownLatch go = new CountDownLatch(1);
        List<Map<Long, JsonObject>> seen = new ArrayList<>();
        List<List<Long>> orders = new ArrayList<>();
        List<Map<String, Long>> acks = new ArrayList<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < members; n++) {
            TestClient c = clients.get(n);
            String prefix = "poster" + n;
            Map<Long, JsonObject> messages = new LinkedHashMap<>();
            List<Long> order = new ArrayList<>();
            Map<String, Long> acked = new HashMap<>();
            seen.add(messages);
            orders.add(order);
            acks.add(acked);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    Map<String, String> textById = new HashMap<>();
                    for (int i = 1; i <= each; i++) {
                        String id = prefix + "-" + i;
                        String text = prefix + " says " + i;
                        textById.put(id, text);
                        c.send("new_message", "{\"text\":" + q(text) + ",\"room\":" + q(room) + "}", id);
                    }
                    while (messages.size() < total || acked.size() < each) {
                        JsonObject f = c.next(x -> isMessage(x, room) || textById.containsKey(x.getString("id", "")));
                        if (isMessage(f, room)) {
                            long seq = seq(f);
                            order.add(seq);
                            messages.put(seq, f.getJsonObject("payload"));
                        } else if ("ack".equals(f.getString("type"))) {
                            long seq = f.getJsonObject("payload").getJsonNumber("seq").longValue();
                            String text = textById.get(f.getString("id"));
                            if (!messages.containsKey(seq)) {
                                problems.add(prefix + ": ack of seq " + seq + " came before the message itself");
                            }
                            acked.put(text, seq);
                        } else {
                            problems.add(prefix + ": " + f);
                            return;
                        }
                    }
                } catch (Throwable e) {
                    problems.add(prefix + ": " + e);
                }
            }, "poster-" + n);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
        }
        assertThat(problems).isEmpty();

        List<Long> expectedOrder = range(1, total);
        for (int n = 0; n < members; n++) {
            assertThat(orders.get(n)).as("the seqs member %d received, in order", n).containsExactlyElementsOf(expectedOrder);
            assertThat(seen.get(n)).as("member %d saw the same messages as member 0", n).isEqualTo(seen.get(0));
        }
        Map<Long, JsonObject> reference = seen.get(0);
        for (int n = 0; n < members; n++) {
            List<Long> own = new ArrayList<>();
            for (int i = 1; i <= each; i++) {
                String text = "poster" + n + " says " + i;
                Long seq = acks.get(n).get(text);
                assertThat(seq).as("the ack of %s", text).isNotNull();
                assertThat(reference.get(seq).getString("text")).as("the message at the acked seq %d", seq).isEqualTo(text);
                assertThat(reference.get(seq).getString("nick")).isEqualTo(clients.get(n).nick());
                own.add(seq);
            }
            assertThat(own).as("poster %d's messages in the order sent", n).isSorted();
        }
        assertThat(seqs(history(owner, "{\"room\":" + q(room) + ",\"limit\":100}")))
                .containsExactlyElementsOf(range(total - 99, total));
    }

    // ---------------------------------------------------------------- recovery

    @Test
    void aReconnectingClientRecoversExactlyTheMessagesItMissedThenTheLiveStreamContinues() {
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"recovery\"}");
        ack(bob, "join", "{\"room\":" + q(room) + "}");
        post(ada, room, "before");
        long lastSeen = seq(bob.next(message(room)));
        assertThat(lastSeen).isEqualTo(1);
        String token = bob.token();
        String nick = bob.nick();
        bob.closeAndWait();
        ada.next(f -> isSystem(f, room, "leave") && nick.equals(f.getJsonObject("payload").getString("nick")));

        List<String> missed = numbered("missed ", 1, 100);
        assertThat(postAll(ada, room, missed)).containsExactlyElementsOf(range(2, 101));

        TestClient back = connect(token);
        assertThat(back.nick()).isEqualTo(nick);
        List<JsonObject> untilAck = framesUntilReply(back, "join", "{\"room\":" + q(room) + ",\"since\":" + lastSeen + "}");
        JsonObject reply = untilAck.get(untilAck.size() - 1);
        assertThat(reply.getString("type")).isEqualTo("ack");
        assertThat(untilAck).as("no message of the room before the join ack").noneMatch(f -> isMessage(f, room));
        JsonObject joined = reply.getJsonObject("payload");
        assertThat(joined.getBoolean("recovered")).isTrue();
        List<JsonObject> history = joined.getJsonArray("history").getValuesAs(JsonObject.class);
        assertThat(seqs(history)).containsExactlyElementsOf(range(2, 101));
        assertThat(texts(history)).containsExactlyElementsOf(missed);

        post(ada, room, "after");
        JsonObject live = back.next(message(room));
        assertThat(seq(live)).as("the first live message follows the recovered ones").isEqualTo(102);
        assertThat(text(live)).isEqualTo("after");

        // Nothing missed: recovered, with nothing to replay.
        TestClient cleo = connect();
        JsonObject upToDate = ack(cleo, "join", "{\"room\":" + q(room) + ",\"since\":102}");
        assertThat(upToDate.getBoolean("recovered")).isTrue();
        assertThat(upToDate.getJsonArray("history")).isEmpty();
        // since 0 on a room with fewer messages than the server replays: all of them.
        TestClient dan = connect();
        JsonObject everything = ack(dan, "join", "{\"room\":" + q(room) + ",\"since\":0}");
        assertThat(everything.getBoolean("recovered")).isTrue();
        assertThat(seqs(everything.getJsonArray("history").getValuesAs(JsonObject.class)))
                .containsExactlyElementsOf(range(1, 102));
        assertError(dan, "join", "{\"room\":" + q(room) + ",\"since\":-1}", "invalid_argument");
    }

    @Test
    void recoveryWhileTheRoomIsBusyLeavesNoGapBetweenTheAckAndTheLiveStream() throws Exception {
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"busy recovery\"}");
        ack(bob, "join", "{\"room\":" + q(room) + "}");
        postAll(ada, room, numbered("early ", 1, 10));
        long lastSeen = 0;
        while (lastSeen < 10) {
            lastSeen = seq(bob.next(message(room)));
        }
        String token = bob.token();
        bob.closeAndWait();

        int burst = 400;
        List<String> texts = numbered("burst ", 1, burst);
        CountDownLatch halfway = new CountDownLatch(burst / 4);
        List<Long> burstSeqs = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Thread poster = new Thread(() -> {
            try {
                for (int from = 0; from < burst; from += 50) {
                    List<String> chunk = texts.subList(from, from + 50);
                    for (String t : chunk) {
                        ada.send("new_message", "{\"text\":" + q(t) + ",\"room\":" + q(room) + "}", "b-" + t);
                    }
                    for (int i = 0; i < chunk.size(); i++) {
                        JsonObject f = ada.next(x -> x.getString("id", "").startsWith("b-"));
                        if (!"ack".equals(f.getString("type"))) {
                            problems.add(f.toString());
                        } else {
                            burstSeqs.add(f.getJsonObject("payload").getJsonNumber("seq").longValue());
                        }
                        halfway.countDown();
                    }
                }
            } catch (Throwable e) {
                problems.add(e.toString());
            }
        }, "burst-poster");
        poster.start();
        assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();

        TestClient back = connect(token);
        List<JsonObject> untilAck = framesUntilReply(back, "join", "{\"room\":" + q(room) + ",\"since\":" + lastSeen + "}");
        JsonObject reply = untilAck.get(untilAck.size() - 1);
        assertThat(reply.getString("type")).isEqualTo("ack");
        assertThat(untilAck).noneMatch(f -> isMessage(f, room));
        JsonObject joined = reply.getJsonObject("payload");
        assertThat(joined.getBoolean("recovered")).isTrue();
        List<Long> received = new ArrayList<>(seqs(joined.getJsonArray("history").getValuesAs(JsonObject.class)));
        int recoveredCount = received.size();
        long end = 10 + burst;
        while (received.isEmpty() || received.get(received.size() - 1) < end) {
            received.add(seq(back.next(message(room))));
        }
        poster.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(problems).isEmpty();
        assertThat(burstSeqs).containsExactlyElementsOf(range(11, end));
        assertThat(received).as("history (%d recovered) then live, without gap or duplicate", recoveredCount)
                .containsExactlyElementsOf(range(11, end));
    }

    @Test
    void sinceBeyondTheLastSeqGivesTheLatestPageNotRecovered() {
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"from the future\"}");
        postAll(ada, room, numbered("n", 1, 60));
        JsonObject joined = ack(bob, "join", "{\"room\":" + q(room) + ",\"since\":10000}");
        assertThat(joined.getBoolean("recovered")).isFalse();
        List<JsonObject> page = joined.getJsonArray("history").getValuesAs(JsonObject.class);
        assertThat(seqs(page)).containsExactlyElementsOf(range(11, 60));
        assertThat(texts(page)).containsExactlyElementsOf(numbered("n", 11, 60));
    }

    @Test
    void moreMissedMessagesThanTheServerReplaysGiveTheLatestPageNotRecovered() {
        TestClient ada = connect();
        TestClient bob = connect();
        String room = createRoom(ada, "{\"title\":\"long absence\"}");
        int total = MAX_REPLAYED + 50;
        postAll(ada, room, numbered("x", 1, total));
        JsonObject joined = ack(bob, "join", "{\"room\":" + q(room) + ",\"since\":10}");
        assertThat(joined.getBoolean("recovered")).isFalse();
        assertThat(seqs(joined.getJsonArray("history").getValuesAs(JsonObject.class)))
                .containsExactlyElementsOf(range(total - PAGE + 1, total));
        // As many as the server replays: all of them, in one ack (a frame far over 64 KiB).
        TestClient cleo = connect();
        JsonObject caughtUp = ack(cleo, "join", "{\"room\":" + q(room) + ",\"since\":" + (total - MAX_REPLAYED) + "}");
        assertThat(caughtUp.getBoolean("recovered")).isTrue();
        List<JsonObject> replayed = caughtUp.getJsonArray("history").getValuesAs(JsonObject.class);
        assertThat(seqs(replayed)).containsExactlyElementsOf(range(total - MAX_REPLAYED + 1, total));
        assertThat(texts(replayed)).containsExactlyElementsOf(numbered("x", total - MAX_REPLAYED + 1, total));
        // Still in the room and live.
        post(ada, room, "next");
        assertThat(seq(bob.next(message(room)))).isEqualTo(total + 1);
    }

    // ---------------------------------------------------------------- rooms stay by default

    @Test
    void withoutAnEmptyRoomTtlAnEmptyRoomStays() throws Exception {
        TestClient observer = connect();
        TestClient ada = connect();
        String room = createRoom(ada, "{\"title\":\"keeper\"}");
        post(ada, room, "kept");
        ack(ada, "leave", "{\"room\":" + q(room) + "}");
        observer.next(roomUpdated(room, 0));
        // Time is the subject: longer than the TTL that removes rooms in emptyRoomsAreRemovedAfterTheTtl.
        Thread.sleep(3_000);
        assertThat(find(listRooms(observer), room).getInt("count")).isZero();
        observer.expectNone(event("room_removed", room), Duration.ofMillis(10));
        JsonObject joined = ack(observer, "join", "{\"room\":" + q(room) + "}");
        assertThat(texts(joined.getJsonArray("history"))).containsExactly("kept");
    }

    // ---------------------------------------------------------------- servers of their own

    @Test
    void emptyRoomsAreRemovedAfterTheTtl() throws Exception {
        ServerProcess server = startOwn(newStorage(), "--empty-room-ttl", "2");
        TestClient observer = connect(server);
        TestClient ada = connect(server);
        TestClient cleo = connect(server);
        TestClient dan = connect(server);
        String left = createRoom(ada, "{\"title\":\"left behind\"}");
        String occupied = createRoom(cleo, "{\"title\":\"occupied\"}");
        String abandoned = createRoom(dan, "{\"title\":\"abandoned\"}");
        post(ada, left, "anyone?");

        long start = System.nanoTime();
        ack(ada, "leave", "{\"room\":" + q(left) + "}");
        dan.closeAndWait();
        Set<String> removed = new HashSet<>();
        Duration took = null;
        while (!removed.containsAll(List.of(left, abandoned))) {
            JsonObject f = observer.next(x -> "room_removed".equals(x.getString("type")));
            removed.add(f.getJsonObject("payload").getString("room"));
            if (took == null && removed.contains(left)) {
                took = Duration.ofNanos(System.nanoTime() - start);
            }
        }
        assertThat(removed).as("only the empty rooms are removed").doesNotContain(occupied);
        ada.next(event("room_removed", left));
        assertThat(took).as("removed after the TTL, not before").isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
        assertThat(took).as("removed within a few seconds of the TTL").isLessThan(Duration.ofSeconds(8));

        Set<String> ids = roomIds(observer);
        assertThat(ids).doesNotContain(left, abandoned).contains("general", occupied);
        assertError(ada, "join", "{\"room\":" + q(left) + "}", "not_found");
        assertError(observer, "join", "{\"room\":" + q(abandoned) + "}", "not_found");
        // An occupied room is never removed, however old.
        observer.expectNone(event("room_removed", occupied), Duration.ofMillis(2_500));
        assertThat(roomIds(observer)).contains(occupied);
        assertThat(post(cleo, occupied, "still here")).isEqualTo(1);
    }

    @Test
    void theEmptyRoomTtlAppliesToRoomsFromBeforeARestart() throws Exception {
        Storage storage = newStorage();
        ServerProcess first = startOwn(storage); // no TTL: rooms stay
        TestClient ada = connect(first);
        String leftEmpty = createRoom(ada, "{\"title\":\"left empty\"}");
        String occupied = createRoom(ada, "{\"title\":\"occupied until the stop\"}");
        ack(ada, "leave", "{\"room\":" + q(leftEmpty) + "}");
        assertThat(first.terminate(Duration.ofSeconds(30))).isIn(0, 143);

        ServerProcess second = startOwn(storage, "--empty-room-ttl", "2");
        TestClient observer = connect(second);
        // Either already gone (the TTL may run out before this client is connected) or removed soon.
        Set<String> waitingFor = new HashSet<>(roomIds(observer));
        waitingFor.retainAll(List.of(leftEmpty, occupied));
        while (!waitingFor.isEmpty()) {
            waitingFor.remove(observer.next(f -> "room_removed".equals(f.getString("type")))
                    .getJsonObject("payload").getString("room"));
        }
        assertThat(roomIds(observer)).doesNotContain(leftEmpty, occupied);
        assertError(observer, "join", "{\"room\":" + q(occupied) + "}", "not_found");
    }

    @Test
    void identitiesRoomsAndOwnershipSurviveARestart() throws Exception {
        Storage storage = newStorage();
        ServerProcess first = startOwn(storage);
        TestClient ada = connect(first);
        JsonObject renamed = ack(ada, "nickname", q("Ada Lovelace"));
        String adaColor = renamed.getString("color");
        TestClient bob = connect(first);
        ack(bob, "nickname", q("Babbage"));
        TestClient anon = connect(first); // never renamed: keeps its generated name too
        String locked = createRoom(ada, "{\"title\":\"Analytical Engine\",\"max\":7,\"password\":\"bernoulli\"}");
        String open = createRoom(ada, "{\"title\":\"Open room\"}");
        assertThat(postAll(ada, locked, List.of("note 1", "note 2"))).containsExactly(1L, 2L);
        assertThat(post(ada, open, "hello")).isEqualTo(1);
        List<JsonObject> seenByAnon = ack(anon, "join", "{\"room\":" + q(open) + "}").getJsonArray("history")
                .getValuesAs(JsonObject.class);
        assertThat(seqs(seenByAnon)).containsExactly(1L);
        // The lobby shows owners by their current nickname.
        TestClient watcher = connect(first);
        ack(bob, "nickname", q("Charles"));
        String bobs = createRoom(bob, "{\"title\":\"Difference Engine\"}");
        ack(bob, "nickname", q("Charles Babbage"));
        watcher.next(event("room_updated", bobs).and(f -> "Charles Babbage".equals(
                f.getJsonObject("payload").getString("owner", null))));
        anon.ack("ping", "1", nextId()); // its identity is settled before the stop

        assertThat(first.terminate(Duration.ofSeconds(30))).as("exit code after SIGTERM").isIn(0, 143);
        ServerProcess second = startOwn(storage);

        TestClient observer = connect(second);
        List<JsonObject> rooms = listRooms(observer);
        assertThat(rooms.get(0).getString("room")).isEqualTo("general");
        assertThat(find(rooms, locked)).isEqualTo(jsonObject("{\"room\":" + q(locked)
                + ",\"title\":\"Analytical Engine\",\"count\":0,\"people\":0,\"max\":7,\"locked\":true,\"owner\":\"Ada Lovelace\","
                + "\"ownerUid\":" + q(ada.welcome().getString("uid")) + "}"));
        JsonObject openInfo = find(rooms, open);
        assertThat(openInfo.getString("title")).isEqualTo("Open room");
        assertThat(openInfo.getBoolean("locked")).isFalse();
        assertThat(openInfo.getString("owner")).isEqualTo("Ada Lovelace");

        TestClient ada2 = connect(second, ada.token());
        assertThat(ada2.nick()).isEqualTo("Ada Lovelace");
        assertThat(ada2.welcome().getString("color")).isEqualTo(adaColor);
        assertThat(find(rooms, bobs).getString("owner")).isEqualTo("Charles Babbage");
        TestClient bob2 = connect(second, bob.token());
        assertThat(bob2.nick()).isEqualTo("Charles Babbage");
        assertThat(bob2.welcome().getString("color")).isEqualTo(bob.welcome().getString("color"));
        TestClient anon2 = connect(second, anon.token());
        assertThat(anon2.nick()).isEqualTo(anon.nick());
        TestClient stranger = connect(second, "not-a-token-this-server-gave");
        assertThat(stranger.token()).isNotEqualTo("not-a-token-this-server-gave").isNotIn(ada.token(), bob.token());
        assertThat(stranger.nick()).startsWith("Anon-");

        // The password survived: it is still needed, and still opens the room, with its history.
        assertError(bob2, "join", "{\"room\":" + q(locked) + "}", "forbidden");
        assertError(bob2, "join", "{\"room\":" + q(locked) + ",\"password\":\"bernouli\"}", "forbidden");
        JsonObject joined = ack(bob2, "join", "{\"room\":" + q(locked) + ",\"password\":\"bernoulli\"}");
        List<JsonObject> history = joined.getJsonArray("history").getValuesAs(JsonObject.class);
        assertThat(seqs(history)).containsExactly(1L, 2L);
        assertThat(texts(history)).containsExactly("note 1", "note 2");
        assertThat(history.get(0).getString("nick")).isEqualTo("Ada Lovelace");

        // seq carries on where it stopped.
        ack(ada2, "join", "{\"room\":" + q(open) + "}");
        assertThat(post(ada2, open, "hello again")).isEqualTo(2);
        assertThat(post(ada2, open, "anyone?")).isEqualTo(3);
        // Recovery across the restart: what anon missed, from the seq it saw before.
        JsonObject recovered = ack(anon2, "join", "{\"room\":" + q(open) + ",\"since\":1}");
        assertThat(recovered.getBoolean("recovered")).isTrue();
        assertThat(texts(recovered.getJsonArray("history"))).containsExactly("hello again", "anyone?");

        // Ownership survived: only Ada can delete.
        assertError(bob2, "delete_room", "{\"room\":" + q(locked) + "}", "forbidden");
        assertError(stranger, "delete_room", "{\"room\":" + q(open) + "}", "forbidden");
        ack(ada2, "delete_room", "{\"room\":" + q(locked) + "}");
        observer.next(event("room_removed", locked));
        bob2.next(event("room_removed", locked));
        assertThat(roomIds(observer)).doesNotContain(locked).contains(open);
    }

    @Test
    void everyTokenGivenInWelcomeResumesItsIdentityAfterSigkill() throws Exception {
        Storage storage = newStorage();
        ServerProcess first = startOwn(storage);
        // A burst of anonymous connections, whose new identities the server commits together.
        List<TestClient> burst = IntStream.range(0, 40).parallel().mapToObj(i -> connect(first)).toList();
        first.process().destroyForcibly(); // SIGKILL right after the last welcome: no orderly shutdown
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

        ServerProcess second = startOwn(storage);
        for (TestClient before : burst) {
            TestClient after = connect(second, before.token());
            assertThat(after.token()).as("the token given in welcome resumes").isEqualTo(before.token());
            assertThat(after.nick()).isEqualTo(before.nick());
            assertThat(after.welcome().getString("color")).isEqualTo(before.welcome().getString("color"));
        }
    }

    @Test
    void everyAckedMessageSurvivesSigkillWithItsSeq() throws Exception {
        Storage storage = newStorage();
        ServerProcess first = startOwn(storage);
        TestClient owner = connect(first);
        ack(owner, "nickname", q("Crash Owner"));
        String room = createRoom(owner, "{\"title\":\"crash test\"}");
        List<Poster> posters = postUntil300Acks(first, room, "p");

        first.process().destroyForcibly(); // SIGKILL, mid-traffic
        assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        int unanswered = 0;
        for (Poster p : posters) {
            p.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(p.isAlive()).as(p.getName() + " noticed the kill").isFalse();
            unanswered += p.sent.get() - p.answered.get();
        }
        for (Poster p : posters) {
            assertThat(p.problems).as(p.prefix + " got only acks before the kill").isEmpty();
        }
        assertThat(unanswered).as("requests still in flight when the server was killed").isPositive();

        ServerProcess second = startOwn(storage);
        TestClient reader = connect(second);
        ack(reader, "join", "{\"room\":" + q(room) + "}");
        List<JsonObject> stored = allHistory(reader, room);
        List<Long> seqs = seqs(stored);
        int acked = assertEveryAckedMessageStoredOnce(stored, posters);
        System.out.printf("[%s] SIGKILL: %d acked, %d stored, %d unanswered at the kill%n",
                getClass().getSimpleName(), acked, stored.size(), unanswered);
        // The room carries on from the last stored seq.
        assertThat(post(reader, room, "after the crash")).isEqualTo(seqs.size() + 1);
        // What was acked before the kill besides messages: the owner's name, the room and its ownership.
        TestClient owner2 = connect(second, owner.token());
        assertThat(owner2.nick()).isEqualTo("Crash Owner");
        assertThat(find(listRooms(owner2), room).getString("owner")).isEqualTo("Crash Owner");
        assertError(reader, "delete_room", "{\"room\":" + q(room) + "}", "forbidden");
        ack(owner2, "delete_room", "{\"room\":" + q(room) + "}");
    }

    /**
     * SIGTERM while three clients post as fast as they may: each gets 1001, the process exits by
     * itself, and after a restart on the same data every acked message is there at its seq, none
     * twice (an orderly stop must not lose what the writer had acked, nor half-store the rest).
     */
    @Test
    void sigtermMidTrafficClosesWith1001AndKeepsEveryAckedMessage() throws Exception {
        Storage storage = newStorage();
        ServerProcess first = startOwn(storage);
        TestClient owner = connect(first);
        String room = createRoom(owner, "{\"title\":\"orderly stop\"}");
        List<Poster> posters = postUntil300Acks(first, room, "t");

        int exit = first.terminate(Duration.ofSeconds(20)); // SIGTERM, mid-traffic
        assertThat(exit).as("exit code after SIGTERM; output:%n%s", first.output()).isIn(0, 143);
        for (Poster p : posters) {
            p.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(p.isAlive()).as(p.getName() + " noticed the stop").isFalse();
            // The server ends TCP right after its close frame; a poster still writing may get a
            // broken pipe, which the JDK client reports instead of the close it had received.
            assertThat(closeCodeOrBrokenPipe(p.client)).as(p.prefix + "'s close").isIn(1001, -1);
            assertThat(p.problems).as(p.prefix + " got only acks (or nothing) before the stop").isEmpty();
        }
        assertThat(owner.awaitClose()).as("an idle member's close code").isEqualTo(1001);
        assertThat(first.output()).as("the server's own record of the stop (exit %d)", exit).contains("shutting down")
                .contains("closed 4 connections");

        ServerProcess second = startOwn(storage);
        TestClient reader = connect(second);
        ack(reader, "join", "{\"room\":" + q(room) + "}");
        List<JsonObject> stored = allHistory(reader, room);
        int acked = assertEveryAckedMessageStoredOnce(stored, posters);
        System.out.printf("[%s] SIGTERM: %d acked, %d stored%n", getClass().getSimpleName(), acked, stored.size());
    }

    /**
     * The room's whole history after a restart: seqs 1..N with no gap, no text twice, and every
     * message a poster had an ack for at its acked seq. Returns how many acks were checked.
     */
    private static int assertEveryAckedMessageStoredOnce(List<JsonObject> stored, List<Poster> posters) {
        List<Long> seqs = seqs(stored);
        assertThat(seqs).as("stored seqs are 1..N, none twice").containsExactlyElementsOf(range(1, seqs.size()));
        assertThat(texts(stored)).as("no message stored twice").doesNotHaveDuplicates();
        Map<Long, String> textBySeq = new HashMap<>();
        for (JsonObject m : stored) {
            textBySeq.put(m.getJsonNumber("seq").longValue(), m.getString("text"));
        }
        int acked = 0;
        for (Poster p : posters) {
            for (Map.Entry<String, Long> e : p.acked.entrySet()) {
                assertThat(textBySeq.get(e.getValue())).as("the stored message at acked seq %d", e.getValue())
                        .isEqualTo(e.getKey());
                acked++;
            }
        }
        assertThat(acked).isGreaterThanOrEqualTo(300);
        return acked;
    }

    /**
     * Three members of {@code room} posting as fast as they may (10 requests in flight each),
     * started, and back once 300 acks have come: the traffic a crash or stop test cuts into.
     */
    private List<Poster> postUntil300Acks(ServerProcess server, String room, String prefix) throws InterruptedException {
        List<Poster> posters = new ArrayList<>();
        CountDownLatch enoughAcks = new CountDownLatch(300);
        for (int n = 0; n < 3; n++) {
            TestClient c = connect(server);
            ack(c, "join", "{\"room\":" + q(room) + "}");
            posters.add(new Poster(c, room, prefix + n, 10, enoughAcks));
        }
        posters.forEach(Poster::start);
        assertThat(enoughAcks.await(60, TimeUnit.SECONDS)).as("300 acks while posting").isTrue();
        return posters;
    }

    /** The close code {@code client} received, or -1 when its connection failed with an I/O error instead. */
    private static int closeCodeOrBrokenPipe(TestClient client) {
        try {
            return client.awaitClose();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof java.io.IOException) {
                return -1;
            }
            throw e;
        }
    }

    /** Posts continuously with up to {@code window} requests in flight, recording every ack, until its socket dies. */
    static final class Poster extends Thread {
        final TestClient client;
        final String room;
        final String prefix;
        final int window;
        final CountDownLatch ackCount;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();

        Poster(TestClient client, String room, String prefix, int window, CountDownLatch ackCount) {
            super("poster-" + prefix);
            this.client = client;
            this.room = room;
            this.prefix = prefix;
            this.window = window;
            this.ackCount = ackCount;
            setDaemon(true);
        }

        @Override
        public void run() {
            Map<String, String> inFlight = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            boolean canSend = true;
            int i = 0;
            while (System.nanoTime() < deadline) {
                while (canSend && inFlight.size() < window) {
                    String id = prefix + "-" + i;
                    String text = prefix + " message " + i;
                    try {
                        client.send("new_message", "{\"text\":" + q(text) + ",\"room\":" + q(room) + "}", id);
                    } catch (RuntimeException e) {
                        canSend = false; // the server is gone
                        break;
                    }
                    inFlight.put(id, text);
                    sent.incrementAndGet();
                    i++;
                }
                JsonObject f = client.poll(Duration.ofMillis(100));
                if (f == null) {
                    if (!client.isOpen()) {
                        return; // killed, and every frame that arrived before is consumed
                    }
                    continue;
                }
                String text = inFlight.remove(f.getString("id", ""));
                if (text == null) {
                    continue; // a message, a system event
                }
                answered.incrementAndGet();
                if ("ack".equals(f.getString("type"))) {
                    acked.put(text, f.getJsonObject("payload").getJsonNumber("seq").longValue());
                    ackCount.countDown();
                } else {
                    problems.add(f.toString());
                }
            }
            problems.add("still running after 120 s");
        }
    }

    // ---------------------------------------------------------------- servers and clients

    ServerProcess startOn(Storage storage, String... extra) {
        // These tests post as fast as they can and open dozens of connections from 127.0.0.1;
        // the password backoff stays on (its wrong-password cases stay within it).
        List<String> args = new ArrayList<>(ServerProcess.UNLIMITED_RATE_AND_CONNECTIONS);
        args.addAll(storage.serverArgs());
        args.addAll(List.of(extra));
        ServerProcess p = ServerProcess.start(args.toArray(String[]::new));
        processes.add(p);
        return p;
    }

    /** A server for this test alone on {@code storage}; it and the storage go when the test ends. */
    ServerProcess startOwn(Storage storage, String... extra) {
        if (!perTest.contains(storage)) {
            perTest.add(storage);
        }
        ServerProcess p = startOn(storage, extra);
        perTest.add(p);
        return p;
    }

    TestClient connect() {
        return connect(shared);
    }

    /** {@code n} connections to the shared server, opened in parallel. */
    List<TestClient> connectMany(int n) {
        List<TestClient> clients = IntStream.range(0, n).parallel()
                .mapToObj(i -> TestClient.connect(shared.chat())).toList();
        perTest.addAll(clients);
        return clients;
    }

    TestClient connect(String token) {
        return connect(shared, token);
    }

    TestClient connect(ServerProcess server) {
        return connect(server, null);
    }

    TestClient connect(ServerProcess server, String token) {
        TestClient c = TestClient.connect(server.chat(), token);
        perTest.add(c);
        return c;
    }

    // ---------------------------------------------------------------- requests

    String nextId() {
        return "q" + ids.incrementAndGet();
    }

    JsonObject request(TestClient c, String type, String payloadJson) {
        return c.request(type, payloadJson, nextId());
    }

    /** The ack payload of a request, as an object; fails on an error. */
    JsonObject ack(TestClient c, String type, String payloadJson) {
        JsonValue payload = c.ack(type, payloadJson, nextId());
        return payload == null ? null : payload.asJsonObject();
    }

    void assertError(TestClient c, String type, String payloadJson, String code) {
        JsonObject reply = request(c, type, payloadJson);
        assertThat(reply.getString("type")).as("reply to %s %s: %s", type, payloadJson, reply).isEqualTo("error");
        assertThat(reply.getJsonObject("payload").getString("code")).as("error code for %s %s", type, payloadJson)
                .isEqualTo(code);
    }

    String createRoom(TestClient c, String payloadJson) {
        return ack(c, "create_room", payloadJson).getString("room");
    }

    long post(TestClient c, String room, String text) {
        JsonObject posted = ack(c, "new_message", "{\"text\":" + q(text) + ",\"room\":" + q(room) + "}");
        assertThat(posted.getString("room")).isEqualTo(room);
        return posted.getJsonNumber("seq").longValue();
    }

    /** Posts {@code texts} in order, pipelined 100 at a time; returns the acked seqs in the same order. */
    List<Long> postAll(TestClient c, String room, List<String> texts) {
        List<Long> seqs = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += 100) {
            List<String> chunk = texts.subList(from, Math.min(texts.size(), from + 100));
            Map<String, Integer> indexById = new HashMap<>();
            Long[] chunkSeqs = new Long[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                String id = nextId();
                indexById.put(id, i);
                c.send("new_message", "{\"text\":" + q(chunk.get(i)) + ",\"room\":" + q(room) + "}", id);
            }
            for (int n = 0; n < chunk.size(); n++) {
                JsonObject reply = c.next(f -> indexById.containsKey(f.getString("id", "")));
                assertThat(reply.getString("type")).as("reply to a post: %s", reply).isEqualTo("ack");
                chunkSeqs[indexById.get(reply.getString("id"))] = reply.getJsonObject("payload").getJsonNumber("seq").longValue();
            }
            seqs.addAll(List.of(chunkSeqs));
        }
        return seqs;
    }

    List<JsonObject> history(TestClient c, String payloadJson) {
        return ack(c, "history", payloadJson).getJsonArray("messages").getValuesAs(JsonObject.class);
    }

    /** Every message of the room, oldest first, paging {@code history} backwards. */
    List<JsonObject> allHistory(TestClient c, String room) {
        List<JsonObject> all = new ArrayList<>();
        List<JsonObject> page = history(c, "{\"room\":" + q(room) + ",\"limit\":100}");
        while (!page.isEmpty()) {
            all.addAll(0, page);
            long oldest = page.get(0).getJsonNumber("seq").longValue();
            page = oldest <= 1 ? List.of() : history(c, "{\"room\":" + q(room) + ",\"before\":" + oldest + ",\"limit\":100}");
        }
        return all;
    }

    List<JsonObject> listRooms(TestClient c) {
        return ack(c, "list_rooms", null).getJsonArray("rooms").getValuesAs(JsonObject.class);
    }

    Set<String> roomIds(TestClient c) {
        return listRooms(c).stream().map(r -> r.getString("room")).collect(Collectors.toSet());
    }

    /** Sends a request and returns every frame up to and including its reply, in order of arrival. */
    List<JsonObject> framesUntilReply(TestClient c, String type, String payloadJson) {
        String id = nextId();
        List<JsonObject> frames = new ArrayList<>();
        c.send(type, payloadJson, id);
        c.next(f -> {
            frames.add(f);
            return id.equals(f.getString("id", null));
        });
        return frames;
    }

    // ---------------------------------------------------------------- frames

    static Predicate<JsonObject> event(String type, String room) {
        return f -> type.equals(f.getString("type")) && f.get("payload") instanceof JsonObject p
                && room.equals(p.getString("room", null));
    }

    static Predicate<JsonObject> roomUpdated(String room, int count) {
        return event("room_updated", room).and(f -> f.getJsonObject("payload").getInt("count") == count);
    }

    static Predicate<JsonObject> message(String room) {
        return f -> isMessage(f, room);
    }

    static Predicate<JsonObject> system(String room, String kind) {
        return f -> isSystem(f, room, kind);
    }

    static boolean isMessage(JsonObject f, String room) {
        return event("message", room).test(f);
    }

    static boolean isSystem(JsonObject f, String room, String kind) {
        return event("system", room).test(f) && kind.equals(f.getJsonObject("payload").getString("kind"));
    }

    static long seq(JsonObject messageFrame) {
        return messageFrame.getJsonObject("payload").getJsonNumber("seq").longValue();
    }

    static String text(JsonObject messageFrame) {
        return messageFrame.getJsonObject("payload").getString("text");
    }

    static List<Long> seqs(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getJsonNumber("seq").longValue()).toList();
    }

    static List<String> texts(List<? extends JsonValue> messages) {
        return messages.stream().map(m -> m.asJsonObject().getString("text")).toList();
    }

    static JsonObject member(TestClient c) {
        return jsonObject("{\"uid\":" + q(c.welcome().getString("uid")) + ",\"nick\":" + q(c.nick()) + ",\"color\":"
                + q(c.welcome().getString("color")) + "}");
    }

    static JsonObject find(List<JsonObject> rooms, String room) {
        return rooms.stream().filter(r -> room.equals(r.getString("room"))).findFirst()
                .orElseThrow(() -> new AssertionError("room " + room + " is not listed: " + rooms));
    }

    static JsonObject jsonObject(String json) {
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(json))) {
            return reader.readObject();
        }
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    static List<String> numbered(String prefix, int from, int to) {
        List<String> texts = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            texts.add(prefix + i);
        }
        return texts;
    }

    static String q(String s) {
        return TestClient.quote(s);
    }
}
