package dev.sori.it.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
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
        TestClient cleo = connect(server);
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
            // The server stays up: the lobby, which lives in memory, still answers; what needs the
            // database says so, and a join that could not load the history leaves no trace.
            assertThat(roomIds(bob)).contains(room);
            assertError(cleo, "join", "{\"room\":" + q(room) + "}", "unavailable");
            assertError(cleo, "create_room", "{\"title\":\"not now\"}", "unavailable");
            assertError(cleo, "new_message", "{\"text\":\"not in\",\"room\":" + q(room) + "}", "not_in_room");
            assertThat(find(listRooms(cleo), room).getInt("count")).isEqualTo(2);
        } finally {
            db.bringBack();
        }

        long back = System.nanoTime();
        JsonObject posted = untilAvailable("posting", () ->
                request(ada, "new_message", "{\"text\":\"after the outage\",\"room\":" + q(room) + "}"));
        Duration postingBack = Duration.ofNanos(System.nanoTime() - back);
        assertThat(posted.getJsonNumber("seq").longValue()).as("the first seq after the outage").isEqualTo(4);

        JsonObject next = bob.next(message(room));
        assertThat(seq(next)).as("the next message a member sees").isEqualTo(4);
        assertThat(text(next)).isEqualTo("after the outage");
        untilAvailable("reading history", () -> request(bob, "history", "{\"room\":" + q(room) + "}"));
        Duration readingBack = Duration.ofNanos(System.nanoTime() - back);
        System.out.printf("[PostgresRoomsIT] after the database came back: posting worked after %d ms, reading after %d ms%n",
                postingBack.toMillis(), readingBack.toMillis());
        List<JsonObject> history = allHistory(bob, room);
        assertThat(seqs(history)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(texts(history)).doesNotContain("during the outage");
        JsonObject joined = ack(cleo, "join", "{\"room\":" + q(room) + ",\"since\":2}");
        assertThat(joined.getBoolean("recovered")).isTrue();
        assertThat(seqs(joined.getJsonArray("history").getValuesAs(JsonObject.class))).containsExactly(3L, 4L);
        assertThat(joined.getInt("count")).isEqualTo(3);
    }

    /**
     * Repeats a request while it fails with {@code unavailable}, up to 60 s; returns the ack's payload.
     * Time is the subject here (the server recovers on its own), hence the short pause between tries.
     */
    private static JsonObject untilAvailable(String what, Supplier<JsonObject> request)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonObject reply = request.get();
            if ("ack".equals(reply.getString("type"))) {
                return reply.getJsonObject("payload");
            }
            assertThat(reply.getJsonObject("payload").getString("code")).as(what + ": " + reply).isEqualTo("unavailable");
            assertThat(System.nanoTime()).as(what + " works again within 60 s of the database's return").isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
