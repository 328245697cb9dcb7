package dev.sori.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The little that differs between the databases: how to advance a room's seq counter and read
 * the new value in one step. The tables and queries are otherwise the same portable SQL.
 */
enum Dialect {
    /** {@code UPDATE ... RETURNING}: one round trip. */
    POSTGRESQL {
        @Override
        long advanceSeq(Connection c, String room, int count, long now) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE rooms SET last_seq = last_seq + ?, last_active_at = ? WHERE id = ? RETURNING last_seq")) {
                ps.setInt(1, count);
                ps.setLong(2, now);
                ps.setString(3, room);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : -1;
                }
            }
        }
    },
    /**
     * UPDATE, then SELECT in the same transaction: the UPDATE holds the row lock until commit, so
     * the value read is ours. In-process, the second statement costs next to nothing.
     */
    PORTABLE {
        @Override
        long advanceSeq(Connection c, String room, int count, long now) throws SQLException {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE rooms SET last_seq = last_seq + ?, last_active_at = ? WHERE id = ?")) {
                up.setInt(1, count);
                up.setLong(2, now);
                up.setString(3, room);
                if (up.executeUpdate() == 0) {
                    return -1;
                }
            }
            try (PreparedStatement sel = c.prepareStatement("SELECT last_seq FROM rooms WHERE id = ?")) {
                sel.setString(1, room);
                try (ResultSet rs = sel.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("room row vanished inside its own update transaction");
                    }
                    return rs.getLong(1);
                }
            }
        }
    };

    /**
     * Adds {@code count} to the room's seq counter, holding its row lock until the transaction
     * ends, so no other transaction on any node can allocate from it meanwhile.
     *
     * @return the counter's new value (the last of the {@code count} seqs allocated), or -1 when
     *         there is no such room
     */
    abstract long advanceSeq(Connection c, String room, int count, long now) throws SQLException;

    static Dialect of(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName();
        return "PostgreSQL".equalsIgnoreCase(product) ? POSTGRESQL : PORTABLE;
    }
}
