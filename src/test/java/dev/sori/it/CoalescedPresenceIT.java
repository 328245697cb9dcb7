package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A join storm and a leave storm in {@code general} past 100 members, with real clients: the
 * server coalesces the announcements (the protocol allows it above 100), and every member still
 * learns of every arrival exactly once, with counts that add up frame by frame to the truth.
 */
class CoalescedPresenceIT {
    private static final int SEQUENTIAL = 100;
    private static final int STORM = 60;
    private static final int LEAVING = 40;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RunningServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @BeforeEach
    void start() {
        // 200 connections from 127.0.0.1: over the default per-address cap (64)
        server = RunningServer.start(ChatSettings.defaults().withMaxConnectionsPerAddress(0));
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        server.close();
    }

    /** One client's presence frames in general, as payloads, in the order received. */
    private static final class Watcher {
        final TestClient client;
        final List<JsonObject> events = new ArrayList<>();

        Watcher(TestClient client) {
            this.client = client;
        }

        /** Reads presence frames until one says {@code count}; other frames are ignored. */
        void readUntilCount(int count) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (events.isEmpty() || events.get(events.size() - 1).getInt("count") != count) {
                assertThat(System.nanoTime()).as("%s waiting for count %d; saw %s", client.nick(), count, events)
                        .isLessThan(deadline);
                JsonObject frame = client.poll(Duration.ofMillis(200));
                if (frame != null && frame.getString("type").equals("system")) {
                    events.add(frame.getJsonObject("payload"));
                }
            }
        }
    }

    @Test
    void aStormOfJoinsAndLeavesIsCoalescedAndEveryMemberSeesEveryNickOnceWithExactCounts() throws Exception {
        List<Watcher> all = new ArrayList<>();
        for (int i = 0; i < SEQUENTIAL; i++) {
            all.add(new Watcher(server.connect()));
        }
        // The storm: many handshakes at once, so that several land within one 250-ms window.
        List<CompletableFuture<TestClient>> storm = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            storm.add(CompletableFuture.supplyAsync(server::connect, pool));
        }
        for (CompletableFuture<TestClient> c : storm) {
            all.add(new Watcher(c.get()));
        }
        int everyone = all.size();
        for (Watcher w : all) {
            w.readUntilCount(everyone);
        }

        List<String> nicks = all.stream().map(w -> w.client.nick()).toList();
        Map<String, Integer> allNicks = multiset(nicks);
        for (int i = 0; i < all.size(); i++) {
            Watcher w = all.get(i);
            String me = w.client.nick();
            List<JsonObject> events = w.events;
            // Its first presence frame names itself; before it, `count - named` people were announced.
            assertThat(TestClient.presenceNicks(events.get(0))).as("%s's first frame", me).contains(me);
            int count = events.get(0).getInt("count") - TestClient.presenceNicks(events.get(0)).size();
            List<String> named = new ArrayList<>();
            for (JsonObject e : events) {
                assertThat(e.getString("kind")).isEqualTo("join");
                List<String> these = TestClient.presenceNicks(e);
                named.addAll(these);
                count += these.size();
                assertThat(e.getInt("count")).as("count of %s seen by %s", e, me).isEqualTo(count);
            }
            int before = events.get(0).getInt("count") - TestClient.presenceNicks(events.get(0)).size();
            assertThat(before + named.size()).as("people %s was told of", me).isEqualTo(everyone);
            Map<String, Integer> namedSet = multiset(named);
            namedSet.forEach((nick, n) -> assertThat(n).as("%s named to %s", nick, me)
                    .isLessThanOrEqualTo(allNicks.getOrDefault(nick, 0)));
            if (i < SEQUENTIAL) {
                // Everyone who arrived after it, exactly once (the storm comes after all of these).
                assertThat(namedSet).as("nicks named to %s", me).isEqualTo(multiset(nicks.subList(i, everyone)));
            }
        }
        List<JsonObject> firstsView = all.get(0).events;
        assertThat(firstsView.subList(0, SEQUENTIAL)).allSatisfy(e -> assertThat(e.containsKey("nicks")).isFalse());
        assertThat(firstsView.subList(SEQUENTIAL, firstsView.size()))
                .as("the storm past 100 members came in fewer frames than people")
                .hasSizeLessThan(STORM)
                .anySatisfy(e -> assertThat(e.getJsonArray("nicks")).hasSizeGreaterThan(1));

        // Now a leave storm: the rest see the count come down to the truth, frame by frame.
        List<Watcher> leaving = all.subList(all.size() - LEAVING, all.size());
        List<String> leftNicks = leaving.stream().map(w -> w.client.nick()).toList();
        for (Watcher w : leaving) {
            w.client.close();
        }
        List<Watcher> staying = all.subList(0, all.size() - LEAVING);
        int remaining = everyone - LEAVING;
        for (Watcher w : staying) {
            int seen = w.events.size();
            w.readUntilCount(remaining);
            int count = everyone;
            List<String> gone = new ArrayList<>();
            for (JsonObject e : w.events.subList(seen, w.events.size())) {
                assertThat(e.getString("kind")).isEqualTo("leave");
                List<String> these = TestClient.presenceNicks(e);
                gone.addAll(these);
                count -= these.size();
                assertThat(e.getInt("count")).as("count of %s seen by %s", e, w.client.nick()).isEqualTo(count);
            }
            assertThat(multiset(gone)).as("who %s saw leave", w.client.nick()).isEqualTo(multiset(leftNicks));
        }
        for (Watcher w : staying) {
            w.client.close();
        }
    }

    private static Map<String, Integer> multiset(List<String> nicks) {
        Map<String, Integer> counts = new HashMap<>();
        for (String nick : nicks) {
            counts.merge(nick, 1, Integer::sum);
        }
        return counts;
    }
}
