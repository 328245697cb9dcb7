package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.sori.testing.LogCapture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One Sori process per PostgreSQL database, until cluster mode: a second storage on a database
 * that another one uses is refused with one line naming the holder, and the lock follows the
 * first one's life, its connection breaking included.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresSingleProcessLockTest extends StoreContract {
    /** Checks are the test's to call: the checker thread's own turn is an hour away. */
    private static final Duration NO_TIMED_CHECKS = Duration.ofHours(1);

    @Override
    Backend createBackend() {
        return PostgresBackend.createOrSkip();
    }

    private PostgresBackend pg() {
        return (PostgresBackend) backend;
    }

    @Test
    void aSecondStorageOnTheDatabaseIsRefusedWithOneLineNamingTheFirstWhileItIsOpen() throws Exception {
        Storage first = open();

        assertThatThrownBy(this::open).isInstanceOf(DatabaseInUseException.class)
                .hasMessageMatching("another Sori process is using the database jdbc:postgresql://[^ ]+/"
                        + pg().database() + " \\(PostgreSQL advisory lock 8317992833674866277 held by \"sori pid "
                        + ProcessHandle.current().pid() + " on [^\"]+\", server pid \\d+, client [0-9a-f.:]+\\); "
                        + "run one Sori process per database, or make every process a node of one cluster \\(--redis-url\\)")
                .hasNoCause();
        awaitLockSessions(1); // the refused storage's went with its pool
        // The first one is untouched.
        assertThat(first.rooms().find("general")).isPresent();
    }

    /** The WAR's way, on the application server's data source: the same refusal, and the same release. */
    @Test
    void onAContainersDataSourceTheSameRule() throws Exception {
        try (HikariDataSource container = DataSources.create(pg().settings(), "test-container", 3)) {
            Storage first = open();
            assertThatThrownBy(() -> Storage.open(container, "java:app/jdbc/sori", pg().settings(), Clock.systemUTC()))
                    .isInstanceOf(DatabaseInUseException.class)
                    .hasMessageStartingWith("another Sori process is using the database java:app/jdbc/sori ");
            close(first);

            Storage inContainer = Storage.open(container, "java:app/jdbc/sori", pg().settings(), Clock.systemUTC());
            assertThat(inContainer.rooms().find("general")).isPresent();
            assertThatThrownBy(this::open).isInstanceOf(DatabaseInUseException.class);
            inContainer.close();
            assertThat(open().rooms().find("general")).as("released, though the container's pool stays open")
                    .isPresent();
        }
    }

    /**
     * The lock is the documented key, on a session named for this process; its keepalives are
     * short, so that a holder whose machine is gone frees the lock within a minute, not two hours.
     */
    @Test
    void theLockIsTheDocumentedKeyOnASessionNamedForTheProcessWithShortKeepalives() throws Exception {
        try (Connection held = backend.connect();
             SingleProcessLock lock = SingleProcessLock.acquire(handingOut(held), "db", NO_TIMED_CHECKS);
             Connection other = backend.connect(); Statement st = other.createStatement();
             ResultSet rs = st.executeQuery("SELECT a.application_name FROM pg_locks l"
                     + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'"
                     + " AND l.classid = 1936683625 AND l.objid = 1601138277 AND l.objsubid = 1 AND l.granted"
                     + " AND a.datname = current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("sori pid " + ProcessHandle.current().pid() + " on ");
            assertThat(rs.next()).isFalse();
            try (Statement own = held.createStatement(); ResultSet keepalive = own.executeQuery(
                    "SELECT current_setting('tcp_keepalives_idle'), current_setting('tcp_keepalives_interval'),"
                            + " current_setting('tcp_keepalives_count')")) {
                keepalive.next();
                assertThat(List.of(keepalive.getString(1), keepalive.getString(2), keepalive.getString(3)))
                        .containsExactly("30", "10", "3");
            }
        }
    }

    /** A data source that hands out the one connection given, so that the test can look at it. */
    private static DataSource handingOut(Connection connection) {
        return (DataSource) Proxy.newProxyInstance(PostgresSingleProcessLockTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return connection;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void afterTheFirstClosesANewOneStarts() {
        Storage first = open();
        close(first);

        Storage again = open();
        assertThat(again.rooms().find("general")).isPresent();
    }

    @Test
    void storagesOnTwoDatabasesOfOneServerDoNotBlockEachOther() {
        Storage here = open();
        try (PostgresBackend other = PostgresBackend.createOrSkip(); Storage there = Storage.open(other.settings())) {
            assertThat(there.rooms().find("general")).isPresent();
            assertThat(here.rooms().find("general")).isPresent();
        }
    }

    /**
     * The connection holding the lock breaks: PostgreSQL releases the lock, another process takes
     * it; the first one's next check says so at ERROR, and takes the lock back once it is free.
     */
    @Test
    void aBrokenLockConnectionIsNoticedAndTheLockTakenBackOnceFree() throws Exception {
        try (HikariDataSource poolA = DataSources.create(pg().settings(), "test-lock-a", 1);
             LogCapture log = LogCapture.of(SingleProcessLock.class.getName());
             SingleProcessLock a = SingleProcessLock.acquire(poolA, "db", NO_TIMED_CHECKS)) {
            a.check();
            assertThat(a.held()).isTrue();
            assertThat(problems(log.records())).isEmpty();

            pg().terminateConnections();
            // Made after the termination, so that its connection is a live one.
            try (HikariDataSource poolB = DataSources.create(pg().settings(), "test-lock-b", 1)) {
                SingleProcessLock b = SingleProcessLock.acquire(poolB, "db", NO_TIMED_CHECKS);
                a.check();
                assertThat(a.held()).isFalse();
                assertThat(problems(log.records())).containsExactly(
                        "storage: lost the connection holding the single-process lock on db; PostgreSQL has released "
                                + "it, so another Sori process could start on this database; taking it again",
                        "storage: another Sori process took the single-process lock on db (\"sori pid "
                                + ProcessHandle.current().pid());
                a.check();
                assertThat(problems(log.records())).as("said once, not at every check").hasSize(2);

                b.close();
                a.check();
                assertThat(a.held()).isTrue();
                assertThat(log.records().get(log.records().size() - 1).getMessage()).contains("again");
                assertThatThrownBy(() -> SingleProcessLock.acquire(poolB, "db", NO_TIMED_CHECKS))
                        .isInstanceOf(DatabaseInUseException.class);
            }
        }
    }

    /**
     * The nodes of a cluster share the lock: any number of them, but no lone process beside them,
     * nor a node beside a lone process (either would be a chat of its own over one history).
     */
    @Test
    void clusterNodesShareTheLockAndExcludeALoneProcess() throws Exception {
        Storage node1 = track(Storage.openShared(pg().settings()));
        Storage node2 = track(Storage.openShared(pg().settings()));
        assertThatThrownBy(this::open).isInstanceOf(DatabaseInUseException.class)
                .hasMessageContaining("another Sori process is using the database");
        close(node1);
        close(node2);

        Storage alone = open();
        assertThatThrownBy(() -> Storage.openShared(pg().settings())).isInstanceOf(DatabaseInUseException.class)
                .hasMessageContaining("a Sori process that is not a node of a cluster is using the database")
                .hasMessageEndingWith("every process on one database must be a node of the same cluster (--redis-url)");
        close(alone);
        close(track(Storage.openShared(pg().settings())));
    }

    /** In the WAR the container's pool keeps the connection, and the session, after close. */
    @Test
    void closeReleasesTheLockThoughThePoolKeepsTheSessionOpen() throws Exception {
        try (HikariDataSource container = DataSources.create(pg().settings(), "test-container", 1)) {
            SingleProcessLock.acquire(container, "db", NO_TIMED_CHECKS).close();
            assertThat(container.getHikariPoolMXBean().getTotalConnections()).as("the session lives on").isEqualTo(1);

            Storage s = open();
            assertThat(s.rooms().find("general")).isPresent();
            try (Connection c = container.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT current_setting('application_name'),"
                         + " current_setting('tcp_keepalives_idle')")) {
                rs.next();
                assertThat(rs.getString(1)).as("the pool's own name, back").isEqualTo("sori");
                assertThat(rs.getString(2)).as("the server's keepalive, back").isNotEqualTo("30");
            }
        }
    }

    /** The ERROR lines, cut after the holder's pid where they name one. */
    private static List<String> problems(List<LogRecord> records) {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
                .map(m -> m.replaceAll("(\\(\"sori pid \\d+).*", "$1"))
                .toList();
    }

    /**
     * Waits until the sessions on the test's database that a lock named for its process number
     * {@code expected}: a closed connection's session ends a moment after the client's goodbye.
     */
    private void awaitLockSessions(int expected) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            int named;
            try (Connection c = backend.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE datname = current_database() AND application_name LIKE 'sori pid %'")) {
                rs.next();
                named = rs.getInt(1);
            }
            if (named == expected) {
                return;
            }
            assertThat(System.nanoTime()).as("sessions named for a lock: %d, not %d", named, expected)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
