package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.HexFormat;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A database made by an earlier Sori, opened by this one: what it stored stays usable. */
class SchemaUpgradeTest {
    private H2Backend backend;
    private Storage storage;

    @BeforeEach
    void createDatabase() {
        backend = new H2Backend();
    }

    @AfterEach
    void dropDatabase() {
        if (storage != null) {
            storage.close();
        }
        backend.close();
    }

    @Test
    void tokensGivenUnderSchema1StillResumeTheirIdentities() throws Exception {
        StoreSettings settings = backend.settings();
        Flyway.configure(Storage.class.getClassLoader())
                .dataSource(settings.effectiveJdbcUrl(), "sa", "")
                .locations("classpath:db/migration")
                .target("1")
                .load()
                .migrate();
        String oldToken = "Zk3m0c1Yqv2-4xWjR8pL_tN6bH9sD0aE5gU7iO3yK1w"; // 43 random characters, as then
        try (Connection c = backend.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO identities"
                        + " (id, token_hash, nick, color, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, "01KA2B3C4D5E6F7G8H9J0K1M2N");
            ps.setString(2, HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(oldToken.getBytes(StandardCharsets.UTF_8))));
            ps.setString(3, "Ada");
            ps.setString(4, "#264653");
            ps.setLong(5, 1_700_000_000_000L);
            ps.setLong(6, 1_700_000_000_000L);
            ps.executeUpdate();
        }

        storage = Storage.open(settings, Clock.systemUTC());

        assertThat(storage.identities().findByToken(oldToken))
                .hasValueSatisfying(found -> assertThat(found.nick()).isEqualTo("Ada"));
        String newToken = "01ARYZ6S41" + oldToken;
        storage.identities().create(new NewIdentity("01ARYZ6S41ABCDEFGHJKMNPQRS", newToken, "Bea", "#2a9d8f"));
        assertThat(storage.identities().findByToken(newToken))
                .hasValueSatisfying(found -> assertThat(found.nick()).isEqualTo("Bea"));
    }
}
