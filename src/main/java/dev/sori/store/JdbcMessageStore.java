package dev.sori.store;

import dev.sori.chat.Appended;
import dev.sori.chat.Media;
import dev.sori.chat.Message;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

/** {@link MessageStore} on JDBC: appends go through the {@link MessageWriter}, reads straight to the pool. */
final class JdbcMessageStore implements MessageStore {
    static final String COLUMNS = "room_id, seq, author_id, nick, color, body, ts, cid,"
            + " media_id, media_type, media_width, media_height, media_bytes, bot, deleted";

    private final DataSource dataSource;
    private final MessageWriter writer;

    JdbcMessageStore(DataSource dataSource, MessageWriter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    @Override
    public CompletableFuture<Appended> append(Message draft) {
        return writer.submit(draft);
    }

    @Override
    public void addTransactionListener(TransactionListener listener) {
        writer.addTransactionListener(listener);
    }

    @Override
    public void addCommitListener(CommitListener listener) {
        writer.addListener(listener);
    }

    @Override
    public List<Message> latest(String room, int limit) {
        return before(room, Long.MAX_VALUE, limit);
    }

    @Override
    public List<Message> before(String room, long beforeSeq, int limit) {
        requireLimit(limit);
        try (Connection c = dataSource.getConnection()) {
            return newestBelow(c, room, beforeSeq, limit);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading history", e);
        }
    }

    @Override
    public List<Message> range(String room, long afterSeq, long toSeq) {
        try (Connection c = dataSource.getConnection()) {
            return range(c, room, afterSeq, toSeq);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading history", e);
        }
    }

    @Override
    public Recovery since(String room, long sinceSeq, int maxRecovered, int pageSize) {
        if (sinceSeq < 0) {
            throw new IllegalArgumentException("sinceSeq must not be negative");
        }
        requireLimit(maxRecovered);
        requireLimit(pageSize);
        try (Connection c = dataSource.getConnection()) {
            // The counter first: it commits together with the messages it counts, so every
            // message up to it is visible to the next statement (read committed, on both
            // databases), unless retention deleted it, which the count check below notices.
            long last = lastSeq(c, room);
            if (sinceSeq == last) {
                return new Recovery(List.of(), true, last);
            }
            if (sinceSeq < last && last - sinceSeq <= maxRecovered) {
                List<Message> missed = range(c, room, sinceSeq, last);
                if (missed.size() == last - sinceSeq) {
                    return new Recovery(missed, true, last);
                }
            }
            return new Recovery(newestBelow(c, room, last + 1, pageSize), false, last);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("recovering history", e);
        }
    }

    @Override
    public long lastSeq(String room) {
        try (Connection c = dataSource.getConnection()) {
            return lastSeq(c, room);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading a room", e);
        }
    }

    @Override
    public int prune(String room, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative");
        }
        try (Connection c = dataSource.getConnection()) {
            long last = lastSeq(c, room);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE room_id = ? AND seq <= ?")) {
                ps.setString(1, room);
                ps.setLong(2, last - keep);
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw SqlFailures.unavailable("pruning history", e);
        }
    }

    private static long lastSeq(Connection c, String room) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM rooms WHERE id = ?")) {
            ps.setString(1, room);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NoSuchRoomException(room);
                }
                return rs.getLong(1);
            }
        }
    }

    private static List<Message> newestBelow(Connection c, String room, long beforeSeq, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM messages WHERE room_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?")) {
            ps.setString(1, room);
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit);
            List<Message> rows = read(ps);
            Collections.reverse(rows);
            return rows;
        }
    }

    private static List<Message> range(Connection c, String room, long afterSeq, long toSeq)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM messages WHERE room_id = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, room);
            ps.setLong(2, afterSeq);
            ps.setLong(3, toSeq);
            return read(ps);
        }
    }

    private static List<Message> read(PreparedStatement ps) throws SQLException {
        List<Message> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs, 1));
            }
        }
        return rows;
    }

    /** The message whose {@link #COLUMNS} start at column {@code first}: the one mapping of a row. */
    static Message row(ResultSet rs, int first) throws SQLException {
        String mediaId = rs.getString(first + 8);
        Media media = mediaId == null ? null : new Media(mediaId, rs.getString(first + 9), rs.getInt(first + 10),
                rs.getInt(first + 11), rs.getLong(first + 12));
        return new Message(rs.getString(first), rs.getLong(first + 1), rs.getString(first + 2),
                rs.getString(first + 3), rs.getString(first + 4), rs.getString(first + 5), media, rs.getLong(first + 6),
                rs.getString(first + 7), null, rs.getBoolean(first + 13), rs.getBoolean(first + 14));
    }

    @Override
    public Message find(String room, long seq) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM messages WHERE room_id = ? AND seq = ?")) {
            ps.setString(1, room);
            ps.setLong(2, seq);
            List<Message> found = read(ps);
            return found.isEmpty() ? null : found.get(0);
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading a message", e);
        }
    }

    @Override
    public boolean delete(String room, long seq) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int changed;
                try (PreparedStatement ps = c.prepareStatement("UPDATE messages SET deleted = TRUE, body = '',"
                        + " media_id = NULL, media_type = NULL, media_width = NULL, media_height = NULL,"
                        + " media_bytes = NULL WHERE room_id = ? AND seq = ? AND deleted = FALSE")) {
                    ps.setString(1, room);
                    ps.setLong(2, seq);
                    changed = ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM media_posts WHERE room_id = ? AND seq = ?")) {
                    ps.setString(1, room);
                    ps.setLong(2, seq);
                    ps.executeUpdate();
                }
                c.commit();
                return changed > 0;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw SqlFailures.unavailable("deleting a message", e);
        }
    }

    private static void requireLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
