package dev.sori.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link RoomsContract} on a real PostgreSQL server: each storage is a fresh database of its own
 * ({@link PostgresDatabase}), dropped afterwards. Skipped with the reason when PostgreSQL is
 * unreachable, failed instead when {@code SORI_TEST_REQUIRE_PG=true}.
 */
class PostgresRoomsIT extends RoomsContract {

    @Override
    Storage newStorage() {
        PostgresDatabase db = PostgresDatabase.createOrSkip();
        return storageOn(db);
    }

    private static Storage storageOn(PostgresDatabase db) {
        return new Storage(db.toString(), db.serverArgs(), db::close);
    }

    /**
     * The database refuses connections mid-run: a post gets {@code unavailable} and is announced to
     * nobody; once the database is back, posting works again by itself, with the next seq.
     */
    @Test
    void aPostWhileTheDatabaseIsDownIsRefusedAndNeverAnnouncedThenPostingResumesWithoutAGap() throws Exception {
        PostgresDatabase db = PostgresDatabase.createOrSkip();
        ServerProcess server = startOwn(storageOn(db));
        TestClient ada = connect(server);
        TestClient bob = connect(server);
        String room = createRoom(ada, "{\"title\":\"outage\"}");
        ack(bob, "join", "{\"room\":" + q(room) + "}");
        assertThat(postAll(ada, room, List.of("before 1", "before 2", "before 3"))).containsExactly(1L, 2L, 3L);
        long seen = 0;
        while (seen < 3) {
            seen = seq(bob.next(message(room)));
        }

        db.takeDown();
        List<JsonObject> framesDuringOutage = new ArrayList<>();
        try {
            String id = nextId();
            ada.send("new_message", "{\"text\":\"during the outage\",\"room\":" + q(room) + "}", id);
            JsonObject reply = ada.next(f -> {
                framesDuringOutage.add(f);
                return id.equals(f.getString("id", null));
            });
            assertThat(reply.getString("type")).as("reply while the database is down: %s", reply).isEqualTo("error");
            assertThat(reply.getJsonObject("payload").getString("code")).isEqualTo("unavailable");
            assertThat(framesDuringOutage).as("the sender saw no message for its refused post")
                    .noneMatch(f -> isMessage(f, room));
            // The server stays up: the lobby, which lives in memory, still answers.
            assertThat(roomIds(bob)).contains(room);
        } finally {
            db.bringBack();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonObject posted;
        while (true) {
            JsonObject reply = request(ada, "new_message", "{\"text\":\"after the outage\",\"room\":" + q(room) + "}");
            if ("ack".equals(reply.getString("type"))) {
                posted = reply.getJsonObject("payload");
                break;
            }
            assertThat(reply.getJsonObject("payload").getString("code")).isEqualTo("unavailable");
            assertThat(System.nanoTime()).as("posting works again within 60 s of the database's return")
                    .isLessThan(deadline);
            Thread.sleep(200); // time is the subject: the server recovers on its own
        }
        assertThat(posted.getJsonNumber("seq").longValue()).as("the first seq after the outage").isEqualTo(4);

        JsonObject next = bob.next(message(room));
        assertThat(seq(next)).as("the next message a member sees").isEqualTo(4);
        assertThat(text(next)).isEqualTo("after the outage");
        List<JsonObject> history = allHistory(bob, room);
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(texts(history)).doesNotContain("during the outage");
    }
}
