package dev.sori.store;

import dev.sori.chat.Media;
import dev.sori.media.MediaLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link MediaLibrary} on the database: the descriptions, uploads and posts in tables, the bytes
 * where {@link MediaContent} keeps them (files beside the embedded database, a table on a server
 * database).
 */
final class JdbcMediaLibrary implements MediaLibrary {
    private static final System.Logger LOG = System.getLogger(JdbcMediaLibrary.class.getName());
    private static final String COLUMNS = "m.id, m.type, m.width, m.height, m.bytes";
    /**
     * The images no message carries that were posted since their last upload (their messages
     * were deleted), or whose last upload is older than the cutoff.
     */
    private static final String EXPIRED = "SELECT m.id FROM media m WHERE"
            + " NOT EXISTS (SELECT 1 FROM media_posts p WHERE p.media_id = m.id)"
            + " AND (m.posted OR NOT EXISTS (SELECT 1 FROM media_uploads u WHERE u.media_id = m.id AND u.uploaded_at >= ?))";

    private final DataSource dataSource;
    private final MediaContent content;
    private final Clock clock;
    /**
     * Keeping and removing an image is one step on the database and one on its bytes; this lock
     * keeps a sweep from removing the bytes of an image being uploaded again between the two.
     * Files are only used by one process (the embedded database), so a lock in memory is enough.
     */
    private final Object keeping = new Object();

    JdbcMediaLibrary(DataSource dataSource, MediaContent content, Clock clock) {
        this.dataSource = dataSource;
        this.content = content;
        this.clock = clock;
    }

    @Override
    public void keep(Path file, Media media, String ownerId) throws IOException {
        try {
            long now = clock.millis();
            try {
                keepOnce(file, media, ownerId, now);
            } catch (SQLException e) {
                if (SqlFailures.isConnectionProblem(e)) {
                    throw SqlFailures.unavailable("keeping an image", e);
                }
                // The same image kept at the same moment by another upload, or swept meanwhile: once more.
                keepOnce(file, media, ownerId, now);
            }
        } catch (SQLException e) {
            throw SqlFailures.unavailable("keeping an image", e);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void keepOnce(Path file, Media media, String ownerId, long now) throws SQLException, IOException {
        synchronized (keeping) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    if (!exists(c, media.id())) {
                        insertMedia(c, media, now);
                        content.put(c, media.id(), file, media.bytes());
                    } else {
                        content.ensure(c, media.id(), file, media.bytes());
                        unposted(c, media.id()); // uploaded again: kept for a day again, posted or not
                    }
                    upload(c, ownerId, media.id(), now);
                    c.commit();
                } catch (SQLException | IOException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM media WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertMedia(Connection c, Media media, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO media (id, type, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, media.id());
            ps.setString(2, media.type());
            ps.setInt(3, media.width());
            ps.setInt(4, media.height());
            ps.setLong(5, media.bytes());
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    private static void unposted(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE media SET posted = FALSE WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private static void upload(Connection c, String ownerId, String id, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE media_uploads SET uploaded_at = ? WHERE owner_id = ? AND media_id = ?")) {
            ps.setLong(1, now);
            ps.setString(2, ownerId);
            ps.setString(3, id);
            if (ps.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO media_uploads (owner_id, media_id, uploaded_at) VALUES (?, ?, ?)")) {
            ps.setString(1, ownerId);
            ps.setString(2, id);
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }

    @Override
    public Media find(String id) {
        return one("SELECT " + COLUMNS + " FROM media m WHERE m.id = ?", id);
    }

    @Override
    public Media uploadedBy(String ownerId, String id) {
        return one("SELECT " + COLUMNS + " FROM media_uploads u JOIN media m ON m.id = u.media_id"
                + " WHERE u.owner_id = ? AND u.media_id = ? AND u.uploaded_at >= ?",
                ownerId, id, clock.millis() - POSTABLE_MILLIS);
    }

    private Media one(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? new Media(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getLong(5))
                        : null;
            }
        } catch (SQLException e) {
            throw SqlFailures.unavailable("reading an image's description", e);
        }
    }

    @Override
    public void copy(String id, long from, long length, OutputStream out) throws IOException {
        content.copy(dataSource, id, from, length, out);
    }

    @Override
    public int sweep(long nowMillis) {
        long cutoff = nowMillis - KEPT_UNPOSTED_MILLIS;
        List<String> expired = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM media_uploads WHERE uploaded_at < ?")) {
                ps.setLong(1, cutoff);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(EXPIRED)) {
                ps.setLong(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired.add(rs.getString(1));
                    }
                }
            }
            int removed = 0;
            for (String id : expired) {
                removed += remove(c, id, cutoff) ? 1 : 0;
            }
            if (removed > 0) {
                LOG.log(Level.INFO, "media: removed {0} images no message carries", removed);
            }
            return removed;
        } catch (SQLException e) {
            throw SqlFailures.unavailable("removing unused images", e);
        }
    }

    /** Removes one image if it is still unused (checked again: it may have been posted or uploaded since). */
    private boolean remove(Connection c, String id, long cutoff) throws SQLException {
        synchronized (keeping) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM media WHERE id IN (" + EXPIRED.replace(
                    "SELECT m.id FROM media m WHERE", "SELECT m.id FROM media m WHERE m.id = ? AND") + ")")) {
                ps.setString(1, id);
                ps.setLong(2, cutoff);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            try {
                content.removed(id);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return true;
        }
    }

    @Override
    public Path scratch() {
        return content.scratch();
    }

    /** Where the bytes of images are. */
    interface MediaContent {
        /** Stores the bytes of a new image, in the transaction of its description. */
        void put(Connection c, String id, Path file, long bytes) throws SQLException, IOException;

        /** The image is known: restores its bytes if they are missing (a crash between steps). */
        void ensure(Connection c, String id, Path file, long bytes) throws SQLException, IOException;

        void copy(DataSource dataSource, String id, long from, long length, OutputStream out) throws IOException;

        /** The image's description was removed (and committed): remove its bytes. */
        void removed(String id) throws IOException;

        Path scratch();
    }

    /** In the database, in {@code media_content}: every node of a cluster reads them. */
    static final class TableContent implements MediaContent {
        /** Read in parts, so that serving a 5 MiB image never holds it in memory. */
        private static final int PART = 256 * 1024;
        private final Path scratch;

        TableContent(Path scratch) {
            this.scratch = scratch;
        }

        @Override
        public void put(Connection c, String id, Path file, long bytes) throws SQLException, IOException {
            try (InputStream in = Files.newInputStream(file);
                 PreparedStatement ps = c.prepareStatement("INSERT INTO media_content (media_id, content) VALUES (?, ?)")) {
                ps.setString(1, id);
                ps.setBinaryStream(2, in, bytes);
                ps.executeUpdate();
            }
        }

        @Override
        public void ensure(Connection c, String id, Path file, long bytes) {
            // One transaction wrote both: the bytes are there.
        }

        @Override
        public void copy(DataSource dataSource, String id, long from, long length, OutputStream out) throws IOException {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT SUBSTRING(content FROM CAST(? AS INTEGER) FOR CAST(? AS INTEGER)) FROM media_content WHERE media_id = ?")) {
                for (long done = 0; done < length; ) {
                    int part = (int) Math.min(PART, length - done);
                    ps.setInt(1, Math.toIntExact(from + done + 1));
                    ps.setInt(2, part);
                    ps.setString(3, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IOException("image " + id + " is gone");
                        }
                        byte[] bytes = rs.getBytes(1);
                        if (bytes.length == 0) {
                            throw new IOException("image " + id + " is shorter than described");
                        }
                        out.write(bytes);
                        done += bytes.length;
                    }
                }
            } catch (SQLException e) {
                throw SqlFailures.unavailable("reading an image", e);
            }
        }

        @Override
        public void removed(String id) {
            // Deleted with its description (ON DELETE CASCADE).
        }

        @Override
        public Path scratch() {
            return scratch;
        }
    }

    /**
     * Files under a directory beside the embedded database: {@code ab/abcdef…} by id. A file is
     * written in {@link #scratch()} and moved into place atomically, so a crash never leaves half
     * an image under a real name; the scratch directory is emptied at start.
     */
    static final class FileContent implements MediaContent {
        private final Path dir;
        private final Path scratch;

        FileContent(Path dir) throws IOException {
            this.dir = dir;
            this.scratch = dir.resolve("incoming");
            Files.createDirectories(scratch);
            emptyScratch(scratch);
        }

        private Path path(String id) {
            return dir.resolve(id.substring(0, 2)).resolve(id);
        }

        @Override
        public void put(Connection c, String id, Path file, long bytes) throws IOException {
            Path target = path(id);
            Files.createDirectories(target.getParent());
            Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void ensure(Connection c, String id, Path file, long bytes) throws IOException {
            if (!Files.exists(path(id))) {
                put(c, id, file, bytes);
            }
        }

        @Override
        public void copy(DataSource dataSource, String id, long from, long length, OutputStream out) throws IOException {
            try (var channel = java.nio.channels.FileChannel.open(path(id))) {
                long done = 0;
                var to = java.nio.channels.Channels.newChannel(out);
                while (done < length) {
                    long n = channel.transferTo(from + done, length - done, to);
                    if (n <= 0) {
                        throw new IOException("image " + id + " is shorter than described");
                    }
                    done += n;
                }
            }
        }

        @Override
        public void removed(String id) throws IOException {
            Files.deleteIfExists(path(id));
        }

        @Override
        public Path scratch() {
            return scratch;
        }
    }

    /** Removes what uploads cut short (a crash, a kill) left behind. */
    static void emptyScratch(Path scratch) throws IOException {
        try (var files = Files.list(scratch)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }
}
