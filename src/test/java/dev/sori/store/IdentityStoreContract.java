package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link IdentityStore} promises, run against each database. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class IdentityStoreContract extends StoreContract {

    @Test
    void anIdentityIsFoundByItsTokenAndId() {
        MutableClock clock = new MutableClock(Instant.parse("2025-02-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String id = unique("id");
        String token = unique("secret-token");

        StoredIdentity created = s.identities().create(new NewIdentity(id, token, "Anon-4821", "#2a9d8f"));

        assertThat(created).isEqualTo(new StoredIdentity(id, "Anon-4821", "#2a9d8f", clock.instant(), clock.instant()));
        assertThat(s.identities().findByToken(token)).contains(created);
        assertThat(s.identities().find(id)).contains(created);
        assertThat(s.identities().findByToken(token + "x")).isEmpty();
        assertThat(s.identities().findByToken("")).isEmpty();
        assertThat(s.identities().findByToken(null)).isEmpty();
        assertThat(s.identities().find("nobody")).isEmpty();
    }

    @Test
    void onlyTheTokensSha256IsStored() throws Exception {
        Storage s = open();
        String id = unique("id");
        String token = unique("secret-token");
        s.identities().create(new NewIdentity(id, token, "nico", "#264653"));

        try (Connection c = backend.connect();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM identities WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                    assertThat(String.valueOf(rs.getObject(col))).doesNotContain(token);
                }
                String expected = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
                assertThat(rs.getString("token_hash")).isEqualTo(expected);
            }
        }
    }

    @Test
    void aTokenThatStartsWithItsTimeIsKeyedByThatTimeThenItsSha256() throws Exception {
        Storage s = open();
        String id = unique("id");
        // The layout Identities makes: ten characters of time, then 43 of base64url secret.
        String token = "01ARYZ6S41" + "Zk3m0c1Yqv2-4xWjR8pL_tN6bH9sD0aE5gU" + unique("").substring(1);
        assertThat(token).hasSize(53);
        StoredIdentity created = s.identities().create(new NewIdentity(id, token, "nico", "#264653"));

        try (Connection c = backend.connect();
                PreparedStatement ps = c.prepareStatement("SELECT token_hash FROM identities WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String sha256 = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
                assertThat(rs.getString("token_hash")).isEqualTo("01ARYZ6S41" + sha256).doesNotContain(token.substring(10));
            }
        }
        assertThat(s.identities().findByToken(token)).contains(created);
        assertThat(s.identities().findByToken("01ARYZ6S42" + token.substring(10))).as("another time, same secret").isEmpty();
    }

    @Test
    void idsAndTokensAreUnique() {
        Storage s = open();
        String id = unique("id");
        String token = unique("token");
        s.identities().create(new NewIdentity(id, token, "a", "#000000"));
        assertThatThrownBy(() -> s.identities().create(new NewIdentity(id, unique("token"), "b", "#000000")))
                .isInstanceOf(StoreConflictException.class);
        assertThatThrownBy(() -> s.identities().create(new NewIdentity(unique("id"), token, "c", "#000000")))
                .isInstanceOf(StoreConflictException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
    }

    @Test
    void manyIdentitiesAreCreatedInOneGo() {
        MutableClock clock = new MutableClock(Instant.parse("2025-02-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        List<NewIdentity> burst = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            burst.add(new NewIdentity(unique("id"), unique("token"), "Anon-" + i, "#2a9d8f"));
        }

        List<StoredIdentity> created = s.identities().createAll(burst);

        assertThat(created).hasSize(300);
        for (int i = 0; i < burst.size(); i++) {
            NewIdentity n = burst.get(i);
            StoredIdentity expected = new StoredIdentity(n.id(), n.nick(), n.color(), clock.instant(), clock.instant());
            assertThat(created.get(i)).isEqualTo(expected);
            assertThat(s.identities().findByToken(n.token())).contains(expected);
        }
        assertThat(s.identities().createAll(List.of())).isEmpty();
    }

    @Test
    void aBatchWithATakenIdOrTokenStoresNoneOfIt() {
        Storage s = open();
        String takenToken = unique("token");
        s.identities().create(new NewIdentity(unique("id"), takenToken, "first", "#000000"));
        NewIdentity fine = new NewIdentity(unique("id"), unique("token"), "fine", "#000000");
        NewIdentity clash = new NewIdentity(unique("id"), takenToken, "clash", "#000000");

        assertThatThrownBy(() -> s.identities().createAll(List.of(fine, clash)))
                .isInstanceOf(StoreConflictException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(takenToken));
        assertThat(s.identities().find(fine.id())).isEmpty();
        assertThat(s.identities().find(clash.id())).isEmpty();
        // and the connection it used is usable again: the next batch commits
        assertThat(s.identities().createAll(List.of(fine))).hasSize(1);
        assertThat(s.identities().findByToken(fine.token())).isPresent();
    }

    @Test
    void renamingLastsAndUnknownIdsAreReported() {
        Storage s = open();
        String id = unique("id");
        String token = unique("token");
        s.identities().create(new NewIdentity(id, token, "before", "#000000"));

        assertThat(s.identities().rename(id, "after")).isTrue();
        assertThat(s.identities().findByToken(token).orElseThrow().nick()).isEqualTo("after");
        assertThat(s.identities().rename("nobody", "x")).isFalse();
        assertThatThrownBy(() -> s.identities().rename(id, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seenMovesTheLastSeenTime() {
        MutableClock clock = new MutableClock(Instant.parse("2025-02-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String id = unique("id");
        s.identities().create(new NewIdentity(id, unique("token"), "a", "#000000"));
        clock.advance(Duration.ofDays(3));
        s.identities().seen(id);
        StoredIdentity seen = s.identities().find(id).orElseThrow();
        assertThat(seen.lastSeenAt()).isEqualTo(clock.instant());
        assertThat(seen.createdAt()).isEqualTo(clock.instant().minus(Duration.ofDays(3)));
    }

    @Test
    void longUnseenIdentitiesAreForgottenUnlessTheyOwnARoom() {
        MutableClock clock = new MutableClock(Instant.parse("2025-02-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String idle = s.identities().create(new NewIdentity(unique("id"), unique("t"), "idle", "#000000")).id();
        String owner = s.identities().create(new NewIdentity(unique("id"), unique("t"), "owner", "#000000")).id();
        s.rooms().create(new NewRoom(unique("room"), "owned", null, null, owner));
        clock.advance(Duration.ofDays(40));
        String recent = s.identities().create(new NewIdentity(unique("id"), unique("t"), "recent", "#000000")).id();

        int forgotten = s.identities().forgetUnseenSince(clock.instant().minus(Duration.ofDays(30)));

        assertThat(forgotten).isGreaterThanOrEqualTo(1);
        assertThat(s.identities().find(idle)).isEmpty();
        assertThat(s.identities().find(owner)).isPresent();
        assertThat(s.identities().find(recent)).isPresent();
    }
}
