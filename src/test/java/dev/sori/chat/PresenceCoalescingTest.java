package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.protocol.ClientFrameDecoder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Coalesced {@code join}/{@code leave} in rooms of more than 100 members, as each member sees
 * them: counts that add up frame by frame, every person named exactly once, and nothing from
 * anyone whose join a member has not seen yet. The hub's own 250-ms tick runs too, so batches
 * may be cut anywhere; the assertions hold for every cut.
 */
class PresenceCoalescingTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final Hub hub = new Hub(ChatSettings.defaults(), "test", now::get);

    @AfterEach
    void closeHub() {
        hub.close();
    }

    /** A connection and its nick. */
    private record Member(FakeConnection connection, Client client) {
        String nick() {
            return client.identity().nick();
        }

        List<JsonObject> frames() {
            synchronized (connection.sent) {
                return connection.sent.stream().map(PresenceCoalescingTest::parse).toList();
            }
        }

        /** The {@code system} frames of {@code room}, as payloads. */
        List<JsonObject> system(String room) {
            return frames().stream().filter(f -> f.getString("type").equals("system"))
                    .map(f -> f.getJsonObject("payload")).filter(p -> p.getString("room").equals(room)).toList();
        }

        void handle(String json) {
            client.handle(new ClientFrameDecoder().decode(json));
        }
    }

    private Member connect() {
        FakeConnection connection = new FakeConnection();
        return new Member(connection, hub.connect(connection, null));
    }

    private List<Member> connect(int n) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            members.add(connect());
        }
        return members;
    }

    @Test
    void roomsOfAHundredAnnounceEveryJoinAtOnceInItsOwnFrame() {
        List<Member> all = connect(100);
        Member first = all.get(0);
        List<JsonObject> seen = first.system("general");
        assertThat(seen).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(seen.get(i).getString("nick")).isEqualTo(all.get(i).nick());
            assertThat(seen.get(i).containsKey("nicks")).isFalse();
            assertThat(seen.get(i).getInt("count")).isEqualTo(i + 1);
        }
    }

    @Test
    void aJoinStormInABigRoomIsCoalescedAndEveryMemberSeesEveryoneOnceWithCountsThatAddUp() {
        List<Member> all = connect(101);
        all.addAll(connect(60)); // in a few milliseconds: most of them in one tick
        hub.lobby().flushPresence();

        for (Member m : all) {
            assertGeneralAddsUp(m, all);
        }
        // Some frame named several people, and that frame was one String for every member: encoded once.
        JsonObject firstCoalesced = null;
        String text = null;
        for (String frame : List.copyOf(all.get(0).connection().sent)) {
            if (frame.contains("\"nicks\":[")) {
                text = frame;
                firstCoalesced = parse(frame).getJsonObject("payload");
                break;
            }
        }
        assertThat(firstCoalesced).as("a coalesced frame").isNotNull();
        assertThat(firstCoalesced.containsKey("nick")).isFalse();
        assertThat(firstCoalesced.getJsonArray("colors")).hasSameSizeAs(firstCoalesced.getJsonArray("nicks"));
        String sameText = text;
        assertThat(all.get(1).connection().sent.stream().filter(s -> s.equals(sameText)).findFirst())
                .hasValueSatisfying(s -> assertThat(s).isSameAs(sameText));
    }

    @Test
    void aNewcomersFirstMessageAndTypingComeAfterItsJoinForEveryMember() {
        List<Member> all = connect(101);
        Member newcomer = connect();
        all.add(newcomer);
        newcomer.handle("{\"type\":\"new_message\",\"payload\":\"hi all\",\"id\":\"1\"}");
        Member second = connect();
        all.add(second);
        second.handle("{\"type\":\"typing\",\"payload\":{\"room\":\"general\"}}");

        for (Member m : all) {
            List<JsonObject> frames = m.frames();
            if (m != second) { // it came after the message
                int join = indexOfJoin(frames, newcomer.nick());
                int message = indexOf(frames, "message");
                assertThat(join).as("%s saw the newcomer's join", m.nick()).isNotNegative();
                assertThat(message).as("%s saw the message", m.nick()).isGreaterThan(join);
                int typing = indexOf(frames, "typing");
                assertThat(typing).as("%s saw the typing", m.nick()).isNotNegative();
                assertThat(indexOfJoin(frames, second.nick())).as("%s saw the typer's join first", m.nick())
                        .isNotNegative().isLessThan(typing);
            }
        }
    }

    @Test
    void pendingJoinsGoOutBeforeALeaveAndALeaveBatchBeforeTheNextJoin() {
        List<Member> all = connect(110);
        hub.lobby().flushPresence();
        Member watcher = all.get(0);
        int seenBefore = watcher.system("general").size();
        List<Member> newcomers = connect(3);
        all.addAll(newcomers);
        Member leaver = all.get(5);
        hub.disconnect(leaver.client(), 1000);
        Member late = connect();
        all.add(late);
        hub.lobby().flushPresence();

        List<JsonObject> tail = watcher.system("general");
        tail = tail.subList(seenBefore, tail.size());
        // joins of the three (possibly cut by a tick), then the leave, then the late join
        int joined = 0;
        int i = 0;
        while (joined < 3) {
            JsonObject e = tail.get(i++);
            assertThat(e.getString("kind")).isEqualTo("join");
            joined += nicks(e).size();
            assertThat(e.getInt("count")).isEqualTo(110 + joined);
        }
        assertThat(tail.get(i).getString("kind")).isEqualTo("leave");
        assertThat(nicks(tail.get(i))).containsExactly(leaver.nick());
        assertThat(tail.get(i).getInt("count")).isEqualTo(112);
        assertThat(tail.get(i + 1).getString("kind")).isEqualTo("join");
        assertThat(nicks(tail.get(i + 1))).containsExactly(late.nick());
        assertThat(tail.get(i + 1).getInt("count")).isEqualTo(113);
        assertThat(tail).hasSize(i + 2);

        all.remove(leaver);
        for (Member m : all) {
            assertGeneralAddsUp(m, all);
        }
    }

    @Test
    void aJoinAckInABigRoomListsWhoIsAnnouncedAndTheBatchNamesTheRestSoEachIsSeenOnce() {
        Member owner = connect();
        owner.handle("{\"type\":\"create_room\",\"payload\":{\"title\":\"Big\"},\"id\":\"c\"}");
        String room = ack(owner, "c").getString("room");
        List<Member> inRoom = new ArrayList<>(List.of(owner));
        List<Member> joiners = connect(140);
        for (Member m : joiners) {
            m.handle("{\"type\":\"join\",\"payload\":{\"room\":\"" + room + "\"},\"id\":\"j\"}");
            inRoom.add(m);
        }
        hub.lobby().flushPresence();

        Map<String, Integer> everyone = multiset(inRoom.stream().map(Member::nick).toList());
        boolean someAckLeftOutAPendingJoiner = false;
        for (Member m : joiners) {
            JsonObject ack = ack(m, "j");
            List<String> listed = ack.getJsonArray("members").getValuesAs(JsonObject.class).stream()
                    .map(o -> o.getString("nick")).toList();
            assertThat(ack.getInt("count")).isEqualTo(listed.size());
            assertThat(listed).contains(m.nick());
            someAckLeftOutAPendingJoiner |= listed.size() < inRoom.indexOf(m) + 1;
            // What the page does: the ack's list, then every join, its own (already listed) once skipped.
            Map<String, Integer> known = multiset(listed);
            boolean ownSeen = false;
            for (JsonObject e : m.system(room)) {
                assertThat(e.getString("kind")).isEqualTo("join");
                for (String nick : nicks(e)) {
                    if (!ownSeen && nick.equals(m.nick())) {
                        ownSeen = true;
                    } else {
                        known.merge(nick, 1, Integer::sum);
                    }
                }
                assertThat(size(known)).as("count in %s for %s", e, m.nick()).isEqualTo(e.getInt("count"));
            }
            assertThat(ownSeen).as("%s saw its own join", m.nick()).isTrue();
            assertThat(known).as("who %s knows is in the room", m.nick()).isEqualTo(everyone);
        }
        assertThat(someAckLeftOutAPendingJoiner).as("some join happened while others were pending").isTrue();
    }

    @Test
    void aRenameSendsThePendingJoinUnderTheOldNameFirst() {
        List<Member> all = connect(101);
        Member renamed = connect();
        String old = renamed.nick();
        renamed.handle("{\"type\":\"nickname\",\"payload\":\"Renamed\"}");

        List<JsonObject> seen = all.get(0).system("general");
        JsonObject rename = seen.get(seen.size() - 1);
        assertThat(rename.getString("kind")).isEqualTo("nick");
        assertThat(rename.getString("old")).isEqualTo(old);
        assertThat(rename.getString("nick")).isEqualTo("Renamed");
        JsonObject join = seen.get(seen.size() - 2);
        assertThat(nicks(join)).contains(old).doesNotContain("Renamed");
        assertThat(join.getInt("count")).isEqualTo(102);
    }

    @Test
    void lobbyCountsAreSpacedOutInABigHubSoThatAStormDoesNotFloodEveryConnection() {
        assertThat(Hub.ticksPerCountUpdate(0)).isEqualTo(1);
        assertThat(Hub.ticksPerCountUpdate(999)).isEqualTo(1); // every 250 ms, as before
        assertThat(Hub.ticksPerCountUpdate(1000)).isEqualTo(2);
        assertThat(Hub.ticksPerCountUpdate(5000)).isEqualTo(6);
        assertThat(Hub.ticksPerCountUpdate(1_000_000)).isEqualTo(8); // never rarer than every 2 s
    }

    /**
     * A member of {@code general} (no join ack there: its first presence frame names itself): the
     * counts add up frame by frame, and the people named plus those there before its first frame
     * are exactly everyone in the room.
     */
    private static void assertGeneralAddsUp(Member m, List<Member> all) {
        List<JsonObject> events = m.system("general");
        assertThat(events).as("%s's presence frames", m.nick()).isNotEmpty();
        JsonObject first = events.get(0);
        assertThat(nicks(first)).as("%s's first frame names itself", m.nick()).contains(m.nick());
        int before = first.getInt("count") - nicks(first).size();
        int count = before;
        List<String> named = new ArrayList<>();
        for (JsonObject e : events) {
            int n = nicks(e).size();
            count += e.getString("kind").equals("join") ? n : -n;
            assertThat(e.getInt("count")).as("count of %s for %s", e, m.nick()).isEqualTo(count);
            if (e.getString("kind").equals("join")) {
                named.addAll(nicks(e));
            }
        }
        assertThat(count).as("%s's last count", m.nick()).isEqualTo(all.size());
        // Nobody named twice, nobody left out: everyone who came after is named, the rest are the `before`.
        int index = all.indexOf(m);
        List<String> later = all.subList(index, all.size()).stream().map(Member::nick).toList();
        Map<String, Integer> namedSet = multiset(named);
        for (Map.Entry<String, Integer> e : multiset(later).entrySet()) {
            assertThat(namedSet.getOrDefault(e.getKey(), 0)).as("%s named to %s", e.getKey(), m.nick())
                    .isGreaterThanOrEqualTo(e.getValue());
        }
        assertThat(before + named.size() - leaves(events)).as("people %s knows of", m.nick()).isEqualTo(all.size());
    }

    private static int leaves(List<JsonObject> events) {
        return events.stream().filter(e -> e.getString("kind").equals("leave")).mapToInt(e -> nicks(e).size()).sum();
    }

    private static List<String> nicks(JsonObject event) {
        if (event.containsKey("nicks")) {
            return event.getJsonArray("nicks").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
        }
        return List.of(event.getString("nick"));
    }

    private static int indexOfJoin(List<JsonObject> frames, String nick) {
        for (int i = 0; i < frames.size(); i++) {
            JsonObject f = frames.get(i);
            if (f.getString("type").equals("system") && f.getJsonObject("payload").getString("kind").equals("join")
                    && nicks(f.getJsonObject("payload")).contains(nick)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(List<JsonObject> frames, String type) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).getString("type").equals(type)) {
                return i;
            }
        }
        return -1;
    }

    private static JsonObject ack(Member m, String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonObject f : m.frames()) {
                if (id.equals(f.getString("id", null))) {
                    assertThat(f.getString("type")).as("reply %s", f).isEqualTo("ack");
                    return f.getJsonObject("payload");
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no reply " + id);
    }

    private static Map<String, Integer> multiset(List<String> nicks) {
        Map<String, Integer> counts = new HashMap<>();
        for (String nick : nicks) {
            counts.merge(nick, 1, Integer::sum);
        }
        return counts;
    }

    private static int size(Map<String, Integer> multiset) {
        return multiset.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }
}
