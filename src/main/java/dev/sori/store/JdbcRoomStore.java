package dev.sori.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** {@link RoomStore} on JDBC. */
final class JdbcRoomStore implements RoomStore {
    private static final String SELECT = "SELECT r.id, r.title, r.max_members, r.password_hash, r.owner_id, i.nick,"
            + " r.permanent, r.created_at, r.last_active_at, r.emptied_at, r.last_seq"
            + " FROM rooms r LEFT JOIN identities i ON i.id = r.owner_id";
    private static final String EMPTY_SINCE_BEFORE =
            "permanent = FALSE AND emptied_at IS NOT NULL AND emptied_at < ?";

    private final DataSource dataSource;
    private final Clock clock;

    JdbcRoomStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public StoredRoom create(NewRoom room) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO rooms (id, title, max_members, password_hash,"
                        + " owner_id, permanent, created_at, last_active_at, last_seq)"
                        + " VALUES (?, ?, ?, ?, ?, FALSE, ?, ?, 0)")) {
            ps.setString(1, room.id());
            ps.setString(2, room.title());
            if (room.max() == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setInt(3, room.max());
            }
            ps.setString(4, room.passwordHash());
            ps.setString(5, room.ownerId());
            ps.setLong(6, now);
            ps.setLong(7, now);
            ps.executeUpdate();
            return find(c, room.id()).orElseThrow(() -> new StoreException("room vanished right after creation"));
        } catch (SQLException e) {
            if (SqlFailures.is(e, SqlFailures.UNIQUE_VIOLATION)) {
                throw new StoreConflictException("room id taken: " + room.id());
            }
            if (SqlFailures.isMissingParent(e)) {
                throw new IllegalArgumentException("no such owner identity: " + room.ownerId());
            }
            throw SqlFailures.unavailable("creating a room", e);
        }
    }

    @Override
    public Optional<StoredRoom> find(String id) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, id);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading a room", e);
        }
    }

    private static Optional<StoredRoom> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE r.id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredRoom> list() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY r.created_at, r.id");
                ResultSet rs = ps.executeQuery()) {
            List<StoredRoom> rooms = new ArrayList<>();
            while (rs.next()) {
                rooms.add(row(rs));
            }
            return rooms;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("listing rooms", e);
        }
    }

    @Override
    public boolean delete(String id) {
        return update("deleting a room", "DELETE FROM rooms WHERE id = ? AND permanent = FALSE", id) > 0;
    }

    @Override
    public void ban(String id, String uid, String byNick) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM room_bans WHERE room_id = ? AND uid = ?")) {
                ps.setString(1, id);
                ps.setString(2, uid);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO room_bans (room_id, uid, by_nick, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, uid);
                ps.setString(3, byNick);
                ps.setLong(4, clock.millis());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            if (SqlFailures.is(e, SqlFailures.UNIQUE_VIOLATION)) {
                return; // banned by someone else at the same moment
            }
            if (SqlFailures.isMissingParent(e)) {
                throw new NoSuchRoomException(id);
            }
            throw SqlFailures.unavailable("banning", e);
        }
    }

    @Override
    public void unban(String id, String uid) {
        update("unbanning", "DELETE FROM room_bans WHERE room_id = ? AND uid = ?", id, uid);
    }

    @Override
    public Map<String, Set<String>> bans() {
        Map<String, Set<String>> bans = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT room_id, uid FROM room_bans");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bans.computeIfAbsent(rs.getString(1), r -> new HashSet<>()).add(rs.getString(2));
            }
            return bans;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading bans", e);
        }
    }

    @Override
    public void markOccupied(String id) {
        updateAtNow("UPDATE rooms SET emptied_at = NULL, last_active_at = ? WHERE id = ?", id);
    }

    @Override
    public void markEmptied(String id) {
        updateAtNow("UPDATE rooms SET emptied_at = ? WHERE id = ? AND emptied_at IS NULL", id);
    }

    /** Runs {@code sql} with the clock's now as its first parameter and the room id as its second. */
    private void updateAtNow(String sql, String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, clock.millis());
            ps.setString(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlFailures.unavailable("updating a room", e);
        }
    }

    @Override
    public boolean deleteIfEmptiedBefore(String id, Instant cutoff) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM rooms WHERE id = ? AND " + EMPTY_SINCE_BEFORE)) {
            ps.setString(1, id);
            ps.setLong(2, cutoff.toEpochMilli());
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("deleting an empty room", e);
        }
    }

    @Override
    public List<String> removeEmptiedBefore(Instant cutoff) {
        long cut = cutoff.toEpochMilli();
        try (Connection c = dataSource.getConnection()) {
            List<String> candidates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM rooms WHERE " + EMPTY_SINCE_BEFORE)) {
                ps.setLong(1, cut);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getString(1));
                    }
                }
            }
            // One by one and re-checked: a room someone entered since the SELECT stays, and one
            // big room's history does not hold locks on all the others while it goes.
            List<String> removed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM rooms WHERE id = ? AND " + EMPTY_SINCE_BEFORE)) {
                for (String id : candidates) {
                    ps.setString(1, id);
                    ps.setLong(2, cut);
                    if (ps.executeUpdate() > 0) {
                        removed.add(id);
                    }
                }
            }
            return removed;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("removing empty rooms", e);
        }
    }

    private int update(String what, String sql, String... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlFailures.unavailable(what, e);
        }
    }

    private static StoredRoom row(ResultSet rs) throws SQLException {
        int max = rs.getInt(3);
        Integer maxOrNull = rs.wasNull() ? null : max;
        long emptied = rs.getLong(10);
        Instant emptiedAt = rs.wasNull() ? null : Instant.ofEpochMilli(emptied);
        return new StoredRoom(rs.getString(1), rs.getString(2), maxOrNull, rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getBoolean(7), Instant.ofEpochMilli(rs.getLong(8)),
                Instant.ofEpochMilli(rs.getLong(9)), emptiedAt, rs.getLong(11));
    }
}
