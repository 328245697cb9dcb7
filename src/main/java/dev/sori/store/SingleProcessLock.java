package dev.sori.store;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * One Sori process per PostgreSQL database, or the nodes of one cluster: a session-level advisory
 * lock, taken before the migrations and held for the life of the storage, exclusively by a lone
 * process, shared by the nodes of a cluster. A second lone process, or a node beside a lone
 * process, finds it taken and refuses to start with a {@link DatabaseInUseException}.
 *
 * <p>The lock lives on a pooled connection taken and never given back: from a one-connection
 * HikariCP pool of its own when Sori pools, from the container's pool in the WAR, where pooled
 * connections are all there is. So it is made with the same credentials and timeouts as the
 * others, and neither pool retires a connection that is in use.
 *
 * <p>When that connection breaks (the database restarts, a firewall drops an idle connection),
 * PostgreSQL releases the lock, and another process could start. A daemon thread checks the
 * connection every {@link #CHECK_INTERVAL}; when it is gone, it logs one ERROR line and takes
 * the lock again on a new connection, trying each interval while the database is away. If another
 * process took it meanwhile, it says so at ERROR: two processes then serve one database and one of
 * them must be stopped. It does not stop this one, whose clients are still being served.
 */
final class SingleProcessLock implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SingleProcessLock.class.getName());

    /**
     * The lock's key: "sori_one" in ASCII. PostgreSQL keeps advisory locks per database, so Sori
     * processes on different databases of one server do not meet. In {@code pg_locks} it shows as
     * classid 1936683625, objid 1601138277, objsubid 1.
     */
    static final long KEY = 0x736F_7269_5F6F_6E65L;
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);
    private static final int VALIDATION_SECONDS = 5;

    /** Which session holds the key in this database, and who it is; empty when it is not held. */
    private static final String HOLDER = "SELECT a.application_name, l.pid, host(a.client_addr)"
            + " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
            + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            + " AND l.classid::bigint = ? AND l.objid::bigint = ?";

    private enum State { HELD, LOST, TAKEN }

    /**
     * The session settings of the lock's connection: its name, so that a refused process can say
     * who holds the lock, and TCP keepalives, so that PostgreSQL notices within about a minute that
     * the holder's machine is gone (by default, only after some two hours) and frees the lock.
     */
    private static final List<String> SETTINGS =
            List.of("application_name", "tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count");

    /** Whether the lock was taken, and the connection's settings before this changed them. */
    private record Attempt(boolean locked, Map<String, String> previousSettings) {
    }

    private final DataSource source;
    private final String description;
    private final boolean shared;
    private final ScheduledExecutorService checker;
    private Connection connection;
    private Map<String, String> previousSettings;
    private State state = State.HELD;
    private boolean closed;

    private SingleProcessLock(DataSource source, String description, boolean shared, Connection connection,
            Map<String, String> previousSettings,
            Duration interval) {
        this.shared = shared;
        this.source = source;
        this.description = description;
        this.connection = connection;
        this.previousSettings = previousSettings;
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sori-db-lock");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        checker.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock on a connection from {@code source}, kept until {@link #close}.
     *
     * @param description the database, for messages: its URL without parameters, or JNDI name
     * @throws DatabaseInUseException when another session holds it
     * @throws StoreUnavailableException when the database cannot be reached
     */
    static SingleProcessLock acquire(DataSource source, String description, Duration checkInterval) {
        return acquire(source, description, checkInterval, false);
    }

    /**
     * {@link #acquire(DataSource, String, Duration)}; {@code shared}: as one node of a cluster,
     * which shares the lock with the other nodes, so that nodes and a lone process still exclude
     * each other (a lone process on a cluster's database would be a chat of its own).
     */
    static SingleProcessLock acquire(DataSource source, String description, Duration checkInterval, boolean shared) {
        Connection c = null;
        Attempt attempt;
        try {
            c = source.getConnection();
            attempt = tryLock(c, shared);
            if (!attempt.locked()) {
                throw new DatabaseInUseException(shared
                        ? "a Sori process that is not a node of a cluster is using the database " + description
                                + " (PostgreSQL advisory lock " + KEY + " held by " + holder(c) + "); every process on "
                                + "one database must be a node of the same cluster (--redis-url)"
                        : "another Sori process is using the database " + description
                                + " (PostgreSQL advisory lock " + KEY + " held by " + holder(c) + "); run one Sori "
                                + "process per database, or make every process a node of one cluster (--redis-url)");
            }
        } catch (SQLException e) {
            discard(source, c);
            throw SqlFailures.unavailable("taking the single-process lock on " + description, e);
        } catch (RuntimeException e) {
            discard(source, c);
            throw e;
        }
        LOG.log(Level.INFO, "storage: this process holds the {0} lock on {1} (PostgreSQL advisory lock {2})",
                shared ? "cluster's shared" : "single-process", description, Long.toString(KEY));
        return new SingleProcessLock(source, description, shared, c, attempt.previousSettings(), checkInterval);
    }

    /** Sets the {@link #SETTINGS} for this process, and tries to take the lock. */
    private static Attempt tryLock(Connection c, boolean shared) throws SQLException {
        c.setAutoCommit(true);
        Map<String, String> previous = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            for (String name : SETTINGS) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    previous.put(name, rs.getString(1));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false),"
                + " set_config('tcp_keepalives_idle', '30', false), set_config('tcp_keepalives_interval', '10', false),"
                + " set_config('tcp_keepalives_count', '3', false), "
                + (shared ? "pg_try_advisory_lock_shared(?)" : "pg_try_advisory_lock(?)"))) {
            ps.setString(1, processName());
            ps.setLong(2, KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Attempt(rs.getBoolean(5), previous);
            }
        }
    }

    private static String holder(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HOLDER)) {
            ps.setLong(1, KEY >>> 32);
            ps.setLong(2, KEY & 0xFFFF_FFFFL);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "a session that has just ended";
                }
                String name = rs.getString(1);
                String address = rs.getString(3);
                return (name == null || name.isEmpty() ? "a session" : "\"" + name + "\"") + ", server pid "
                        + rs.getLong(2) + ", client " + (address == null ? "unknown or a local socket" : address);
            }
        }
    }

    /** "sori pid 4242 on web-1", at most the 63 characters PostgreSQL keeps. */
    private static String processName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "an unknown host";
        }
        String name = "sori pid " + ProcessHandle.current().pid() + " on " + host;
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * Makes sure the lock is still held, and takes it again if its connection broke. Runs on the
     * checker thread every {@link #CHECK_INTERVAL}; tests call it directly.
     */
    synchronized void check() {
        if (closed) {
            return;
        }
        if (connection != null) {
            if (isValid(connection)) {
                return;
            }
            LOG.log(Level.ERROR, "storage: lost the connection holding the single-process lock on {0}; PostgreSQL has "
                    + "released it, so another Sori process could start on this database; taking it again", description);
            discard(source, connection);
            connection = null;
            state = State.LOST;
        }
        Connection c = null;
        try {
            c = source.getConnection();
            Attempt attempt = tryLock(c, shared);
            if (attempt.locked()) {
                connection = c;
                previousSettings = attempt.previousSettings();
                state = State.HELD;
                LOG.log(Level.INFO, "storage: holds the single-process lock on {0} again", description);
                return;
            }
            String holder = holder(c);
            discard(source, c);
            if (state != State.TAKEN) {
                state = State.TAKEN;
                LOG.log(Level.ERROR, "storage: another Sori process took the single-process lock on {0} ({1}) while this "
                        + "one had lost it: two processes are serving one database, stop one of them", description, holder);
            }
        } catch (SQLException | RuntimeException e) {
            // The database is still away: the ERROR line above said so; the next check tries again.
            discard(source, c);
        }
    }

    /** Whether the lock is held now, as far as this process knows. */
    synchronized boolean held() {
        return state == State.HELD;
    }

    private static boolean isValid(Connection c) {
        try {
            return c.isValid(VALIDATION_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Gives a connection back, or drops it from Sori's own pool when it may be broken. */
    private static void discard(DataSource source, Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (source instanceof HikariDataSource hikari && !isValid(c)) {
                hikari.evictConnection(c);
            } else {
                c.close();
            }
        } catch (SQLException | RuntimeException e) {
            // Gone already.
        }
    }

    /**
     * Releases the lock and gives its connection back. The explicit unlock matters in the WAR:
     * the container's pool keeps the session, and the lock with it, open.
     */
    @Override
    public void close() {
        checker.shutdownNow();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (connection != null) {
                try (PreparedStatement unlock = connection.prepareStatement(
                        shared ? "SELECT pg_advisory_unlock_shared(?)" : "SELECT pg_advisory_unlock(?)");
                     PreparedStatement restore = connection.prepareStatement("SELECT set_config(?, ?, false)")) {
                    unlock.setLong(1, KEY);
                    unlock.executeQuery().close();
                    for (Map.Entry<String, String> setting : previousSettings.entrySet()) {
                        restore.setString(1, setting.getKey()); // the pool's own, for the next borrower
                        restore.setString(2, setting.getValue());
                        restore.executeQuery().close();
                    }
                } catch (SQLException e) {
                    // A broken connection: PostgreSQL released the lock with it.
                }
                discard(source, connection);
                connection = null;
            }
        }
    }
}
