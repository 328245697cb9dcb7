package dev.sori.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link IdentityStore} on JDBC. */
final class JdbcIdentityStore implements IdentityStore {
    private static final String SELECT = "SELECT id, nick, color, created_at, last_seen_at FROM identities";
    private static final String INSERT = "INSERT INTO identities"
            + " (id, token_hash, nick, color, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final Clock clock;

    JdbcIdentityStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public Optional<StoredIdentity> findByToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        return findOne("token_hash", TokenHashes.of(token));
    }

    @Override
    public Optional<StoredIdentity> find(String id) {
        return findOne("id", id);
    }

    private Optional<StoredIdentity> findOne(String column, String value) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + " WHERE " + column + " = ?")) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading an identity", e);
        }
    }

    @Override
    public StoredIdentity create(NewIdentity identity) {
        return createAll(List.of(identity)).get(0);
    }

    @Override
    public List<StoredIdentity> createAll(List<NewIdentity> identities) {
        if (identities.isEmpty()) {
            return List.of();
        }
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (NewIdentity identity : identities) {
                    ps.setString(1, identity.id());
                    ps.setString(2, TokenHashes.of(identity.token()));
                    ps.setString(3, identity.nick());
                    ps.setString(4, identity.color());
                    ps.setLong(5, now);
                    ps.setLong(6, now);
                    ps.addBatch();
                }
                ps.executeBatch();
                c.commit();
            } catch (SQLException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            if (SqlFailures.isAnywhere(e, SqlFailures.UNIQUE_VIOLATION)) {
                throw new StoreConflictException(identities.size() == 1
                        ? "identity id or token taken: " + identities.get(0).id()
                        : "an identity id or token among " + identities.size() + " is taken");
            }
            throw SqlFailures.unavailable(identities.size() == 1 ? "creating an identity" : "creating identities", e);
        }
        Instant at = Instant.ofEpochMilli(now);
        List<StoredIdentity> stored = new ArrayList<>(identities.size());
        for (NewIdentity identity : identities) {
            stored.add(new StoredIdentity(identity.id(), identity.nick(), identity.color(), at, at));
        }
        return stored;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool will drop it, and the transaction dies with it
        }
    }

    @Override
    public boolean rename(String id, String nick) {
        Columns.requireText("nick", nick, Columns.MAX_NICK_CHARS);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE identities SET nick = ? WHERE id = ?")) {
            ps.setString(1, nick);
            ps.setString(2, id);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("renaming an identity", e);
        }
    }

    @Override
    public void seen(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE identities SET last_seen_at = ? WHERE id = ?")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlFailures.unavailable("updating an identity", e);
        }
    }

    @Override
    public int forgetUnseenSince(Instant cutoff) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM identities WHERE last_seen_at < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM rooms r WHERE r.owner_id = identities.id)")) {
            ps.setLong(1, cutoff.toEpochMilli());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlFailures.unavailable("forgetting identities", e);
        }
    }

    private static StoredIdentity row(ResultSet rs) throws SQLException {
        return new StoredIdentity(rs.getString(1), rs.getString(2), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)));
    }
}
