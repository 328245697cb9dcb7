package dev.sori.store;

import dev.sori.chat.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.chat.Passwords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link RoomStore} promises, run against each database. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class RoomStoreContract extends StoreContract {
    private static final Passwords PASSWORDS = new Passwords(1_000);

    private String newOwner(Storage s, String nick) {
        return s.identities().create(new NewIdentity(unique("id"), unique("token"), nick, "#e9c46a")).id();
    }

    private int countMessages(String room) throws SQLException {
        try (Connection c = backend.connect();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM messages WHERE room_id = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void generalExistsFromTheStartAndIsPermanent() {
        Storage s = open();
        StoredRoom general = s.rooms().find(RoomStore.GENERAL).orElseThrow();
        assertThat(general.permanent()).isTrue();
        assertThat(general.locked()).isFalse();
        assertThat(general.max()).isNull();
        assertThat(general.ownerId()).isNull();

        assertThat(s.rooms().delete(RoomStore.GENERAL)).isFalse();
        s.rooms().markEmptied(RoomStore.GENERAL);
        assertThat(s.rooms().removeEmptiedBefore(Instant.now().plus(Duration.ofDays(1)))).doesNotContain("general");
        assertThat(s.rooms().find(RoomStore.GENERAL)).isPresent();
        assertThat(s.rooms().list()).extracting(StoredRoom::id).contains(RoomStore.GENERAL);
    }

    @Test
    void aCreatedRoomIsFoundAndListedWithItsOwnerAndSettings() {
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String owner = newOwner(s, "nico");
        String hash = PASSWORDS.hash("open sesame");
        String id = unique("room");

        StoredRoom created = s.rooms().create(new NewRoom(id, "고양이 짤방 🐱", 10, hash, owner));

        assertThat(created.id()).isEqualTo(id);
        assertThat(created.title()).isEqualTo("고양이 짤방 🐱");
        assertThat(created.max()).isEqualTo(10);
        assertThat(created.locked()).isTrue();
        assertThat(PASSWORDS.verify("open sesame", created.passwordHash())).isTrue();
        assertThat(created.ownerId()).isEqualTo(owner);
        assertThat(created.ownerNick()).isEqualTo("nico");
        assertThat(created.permanent()).isFalse();
        assertThat(created.createdAt()).isEqualTo(clock.instant());
        assertThat(created.emptiedAt()).isNull();
        assertThat(created.lastSeq()).isZero();
        assertThat(s.rooms().find(id)).contains(created);
        assertThat(s.rooms().list()).contains(created);
        assertThat(created.toString()).doesNotContain(hash);

        s.identities().rename(owner, "nicola");
        assertThat(s.rooms().find(id).orElseThrow().ownerNick()).isEqualTo("nicola");
    }

    @Test
    void roomIdsAreUnique() {
        Storage s = open();
        String id = newRoom(s);
        assertThatThrownBy(() -> s.rooms().create(new NewRoom(id, "again", null, null, null)))
                .isInstanceOf(StoreConflictException.class);
        assertThatThrownBy(() -> s.rooms().create(new NewRoom(RoomStore.GENERAL, "mine now", null, null, null)))
                .isInstanceOf(StoreConflictException.class);
    }

    @Test
    void theOwnerMustExist() {
        Storage s = open();
        assertThatThrownBy(() -> s.rooms().create(new NewRoom(unique("room"), "t", null, null, "nobody")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void titlesAreOneToSixtyFourCharactersAndCapacityAtLeastTwo() {
        assertThatThrownBy(() -> new NewRoom("r", "", null, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewRoom("r", "x".repeat(65), null, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewRoom("r", "t", 1, null, null)).isInstanceOf(IllegalArgumentException.class);

        Storage s = open();
        String emoji = "🐱".repeat(64); // 64 characters, 128 UTF-16 units
        StoredRoom wide = s.rooms().create(new NewRoom(unique("room"), emoji, 2, null, null));
        assertThat(s.rooms().find(wide.id()).orElseThrow().title()).isEqualTo(emoji);
    }

    @Test
    void deletingARoomTakesItsHistoryWithIt() throws SQLException {
        Storage s = open();
        String room = newRoom(s);
        for (int i = 0; i < 20; i++) {
            Appends.append(s.messages(), Message.draft(room, null, "a", "#000000", "m" + i, null, null));
        }
        Appends.append(s.messages(), Message.draft(room, null, "a", "#000000", "last", null, null)).join();
        assertThat(countMessages(room)).isEqualTo(21);

        assertThat(s.rooms().delete(room)).isTrue();

        assertThat(s.rooms().find(room)).isEmpty();
        assertThat(countMessages(room)).isZero();
        assertThat(s.rooms().delete(room)).isFalse();
        assertThat(Appends.append(s.messages(), Message.draft(room, null, "a", "#000000", "too late", null, null)))
                .failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NoSuchRoomException.class);
    }

    @Test
    void roomsEmptyForLongerThanTheLimitAreRemovedAndOthersKept() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String longEmpty = newRoom(s);
        String refilled = newRoom(s);
        String recentlyEmpty = newRoom(s);
        String neverEmpty = newRoom(s);
        Appends.append(s.messages(), Message.draft(longEmpty, null, "a", "#000000", "history", null, null)).join();

        s.rooms().markEmptied(longEmpty);
        s.rooms().markEmptied(refilled);
        clock.advance(Duration.ofMinutes(10));
        s.rooms().markOccupied(refilled);
        s.rooms().markEmptied(longEmpty); // already empty: keeps the earlier time
        clock.advance(Duration.ofMinutes(50));
        s.rooms().markEmptied(recentlyEmpty);
        clock.advance(Duration.ofMinutes(1));

        assertThat(s.rooms().find(longEmpty).orElseThrow().emptiedAt())
                .isEqualTo(clock.instant().minus(Duration.ofMinutes(61)));
        assertThat(s.rooms().find(refilled).orElseThrow().emptiedAt()).isNull();

        Instant cutoff = clock.instant().minus(Duration.ofMinutes(30));
        // One by one, as a node of a cluster deletes the empty rooms it found: only if still empty.
        assertThat(s.rooms().deleteIfEmptiedBefore(refilled, cutoff)).isFalse();
        assertThat(s.rooms().deleteIfEmptiedBefore(recentlyEmpty, cutoff)).isFalse();
        assertThat(s.rooms().deleteIfEmptiedBefore(neverEmpty, cutoff)).isFalse();
        assertThat(s.rooms().deleteIfEmptiedBefore(RoomStore.GENERAL, cutoff)).isFalse();

        var removed = s.rooms().removeEmptiedBefore(cutoff);

        assertThat(removed).containsExactly(longEmpty);
        assertThat(s.rooms().find(longEmpty)).isEmpty();
        assertThat(s.messages().latest(longEmpty, 10)).isEmpty();
        assertThat(s.rooms().find(refilled)).isPresent();
        assertThat(s.rooms().find(recentlyEmpty)).isPresent();
        assertThat(s.rooms().find(neverEmpty)).isPresent();
        assertThat(s.rooms().deleteIfEmptiedBefore(refilled, clock.instant().plus(Duration.ofDays(1)))).isFalse();
        assertThat(s.rooms().deleteIfEmptiedBefore(recentlyEmpty, clock.instant().plus(Duration.ofDays(1)))).isTrue();
        assertThat(s.rooms().find(recentlyEmpty)).isEmpty();
    }

    @Test
    void bansAreKeptPerRoomOnceAndGoWithTheRoom() {
        Storage s = open();
        String one = newRoom(s);
        String two = newRoom(s);
        s.rooms().ban(one, "uid-bob", "ada");
        s.rooms().ban(one, "uid-bob", "ada"); // again: nothing changes
        s.rooms().ban(one, "uid-eve", "ada");
        s.rooms().ban(two, "uid-bob", "carol");
        assertThat(s.rooms().bans()).containsEntry(one, java.util.Set.of("uid-bob", "uid-eve"))
                .containsEntry(two, java.util.Set.of("uid-bob"));

        s.rooms().unban(one, "uid-eve");
        assertThat(s.rooms().bans().get(one)).containsExactly("uid-bob");
        s.rooms().delete(two);
        assertThat(s.rooms().bans()).doesNotContainKey(two);
        assertThatThrownBy(() -> s.rooms().ban("no-such-room", "uid-bob", "ada"))
                .isInstanceOf(NoSuchRoomException.class);
    }
}
