package dev.sori.store;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import dev.sori.media.MediaLibrary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The storage of one Sori process: opens the pool, brings the schema up to date with the Flyway
 * migrations in {@code db/migration} (the same ones on H2 and PostgreSQL), and builds the stores
 * on it.
 *
 * <p>One process per database, or the nodes of one cluster ({@link #openShared}): a lone process
 * delivers a message only to its own clients. H2's file lock keeps a second process off an
 * embedded database; on PostgreSQL, {@link SingleProcessLock} does, and a second process's
 * {@code open} fails with {@link DatabaseInUseException}.
 *
 * <pre>{@code
 * try (Storage storage = Storage.open(StoreSettings.h2(Path.of("data")))) {
 *     storage.messages().addCommitListener(room::broadcast);
 *     storage.messages().append(Message.draft("general", id, nick, color, text, null, null))
 *             .whenComplete((stored, failure) -> ack(stored, failure));
 * }
 * }</pre>
 */
public final class Storage implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Storage.class.getName());
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<HikariDataSource> ownPools;
    private final SingleProcessLock lock;
    private final MessageWriter writer;
    private final MessageStore messages;
    private final RoomStore rooms;
    private final IdentityStore identities;
    private final String description;
    private final DatabaseProbe probe;
    private final JdbcMediaLibrary media;
    /** The temporary directory of uploads on their way into a database table, or null (files). */
    private final Path uploadsInTemp;

    private Storage(DataSource dataSource, List<HikariDataSource> ownPools, SingleProcessLock lock, MessageWriter writer,
            Clock clock, String description, Path mediaDir) {
        this.ownPools = ownPools;
        this.lock = lock;
        this.writer = writer;
        this.messages = new JdbcMessageStore(dataSource, writer);
        this.rooms = new JdbcRoomStore(dataSource, clock);
        this.identities = new JdbcIdentityStore(dataSource, clock);
        this.description = description;
        this.probe = new DatabaseProbe(dataSource, description);
        try {
            if (mediaDir != null) {
                this.uploadsInTemp = null;
                this.media = new JdbcMediaLibrary(dataSource, new JdbcMediaLibrary.FileContent(mediaDir), clock);
            } else {
                this.uploadsInTemp = Files.createTempDirectory("sori-uploads-");
                this.media = new JdbcMediaLibrary(dataSource, new JdbcMediaLibrary.TableContent(uploadsInTemp), clock);
            }
        } catch (IOException e) {
            throw new StoreUnavailableException("cannot prepare the directory of uploads: " + e.getMessage(), e);
        }
    }

    /**
     * Where images' bytes go: files in {@code <data-dir>/media} beside the embedded database
     * (null: a table of the database, which every node of a cluster reads).
     */
    private static Path mediaDir(StoreSettings settings) {
        return settings.jdbcUrl() == null ? settings.dataDir().resolve("media") : null;
    }

    public static Storage open(StoreSettings settings) {
        return open(settings, Clock.systemUTC());
    }

    /**
     * Connects, migrates and starts the writer. Of {@link StoreSettings#poolSize} connections,
     * one is the writer's alone and the others serve reads and room/identity calls; on PostgreSQL
     * one more, idle, holds the {@link SingleProcessLock}.
     *
     * @param clock stamps messages, rooms and identities
     * @throws DatabaseInUseException when another process is using the database
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Storage open(StoreSettings settings, Clock clock) {
        return open(settings, clock, Lock.EXCLUSIVE);
    }

    /**
     * One node of a cluster on a PostgreSQL database that other nodes use too: without the
     * {@link SingleProcessLock}. Each seq is still handed out once, whatever the node (the
     * writer takes the room's row lock).
     *
     * @throws IllegalArgumentException on H2, which one process at a time can open
     */
    public static Storage openShared(StoreSettings settings) {
        if (!StoreSettings.isPostgreSql(settings.effectiveJdbcUrl())) {
            throw new IllegalArgumentException("several nodes need a PostgreSQL database (--db-url); "
                    + "H2 can be opened by one process only");
        }
        return open(settings, Clock.systemUTC(), Lock.SHARED);
    }

    /** {@link #openShared} with a clock, and on any database: for the tests of the invariants nodes rely on. */
    static Storage openAnotherNode(StoreSettings settings, Clock clock) {
        return open(settings, clock, Lock.NONE);
    }

    /** How a process takes the {@link SingleProcessLock} on PostgreSQL. */
    private enum Lock { EXCLUSIVE, SHARED, NONE }

    private static Storage open(StoreSettings settings, Clock clock, Lock mode) {
        if (settings.jdbcUrl() == null) {
            try {
                Files.createDirectories(settings.dataDir());
            } catch (IOException e) {
                throw new StoreUnavailableException("cannot create the data directory " + settings.dataDir(), e);
            }
        }
        String name = "sori-store-" + INSTANCES.incrementAndGet();
        String description = DataSources.describe(settings.effectiveJdbcUrl());
        List<HikariDataSource> pools = new ArrayList<>(); // newest first: the order to close them
        SingleProcessLock lock = null;
        try {
            if (mode != Lock.NONE && StoreSettings.isPostgreSql(settings.effectiveJdbcUrl())) {
                // First, so that a second process stops before it migrates anything.
                HikariDataSource lockPool = add(pools, DataSources.create(settings, name + "-lock", 1));
                lock = SingleProcessLock.acquire(lockPool, description, SingleProcessLock.CHECK_INTERVAL,
                        mode == Lock.SHARED);
            }
            HikariDataSource dataSource = add(pools, DataSources.create(settings, name, settings.poolSize() - 1));
            migrate(dataSource, description);
            Dialect dialect;
            try (Connection c = dataSource.getConnection()) {
                dialect = Dialect.of(c);
            }
            // The writer's connection is its own, so that a crowd of slow reads can never make
            // the appends wait for a connection (and time out as "unavailable").
            HikariDataSource writerDataSource = add(pools, DataSources.create(settings, name + "-writer", 1));
            MessageWriter writer = new MessageWriter(writerDataSource, dialect, clock, settings.batchSize(),
                    settings.queueCapacity(), name);
            writer.start();
            LOG.log(Level.INFO, "storage: {0} ({1,number,#} connections, batches of up to {2,number,#})", description,
                    settings.poolSize(), settings.batchSize());
            return new Storage(dataSource, List.copyOf(pools), lock, writer, clock, description, mediaDir(settings));
        } catch (SQLException e) {
            closeQuietly(lock, pools);
            throw SqlFailures.unavailable("opening storage", e);
        } catch (RuntimeException e) {
            closeQuietly(lock, pools);
            throw e;
        }
    }

    private static HikariDataSource add(List<HikariDataSource> pools, HikariDataSource pool) {
        pools.add(0, pool);
        return pool;
    }

    /**
     * Storage on a data source that someone else pools and closes: an application server's, found
     * by JNDI name. Migrates and starts the writer like {@link #open(StoreSettings, Clock)}; the
     * writer shares the container's pool. On PostgreSQL, one of the pool's connections holds the
     * {@link SingleProcessLock} until {@link #close}, which leaves the data source open.
     *
     * @param description how to name the database in logs, e.g. its JNDI name
     * @throws DatabaseInUseException when another process is using the database
     * @throws StoreUnavailableException when the database cannot be reached or migrated
     */
    public static Storage open(DataSource containerDataSource, String description, StoreSettings settings, Clock clock) {
        return open(containerDataSource, description, settings, clock, false);
    }

    /**
     * {@link #open(DataSource, String, StoreSettings, Clock)}; {@code shared}: as one node of a
     * cluster, without the {@link SingleProcessLock} (PostgreSQL only).
     */
    public static Storage open(DataSource containerDataSource, String description, StoreSettings settings, Clock clock,
                               boolean shared) {
        String name = "sori-store-" + INSTANCES.incrementAndGet();
        SingleProcessLock lock = null;
        try {
            Dialect dialect;
            try (Connection c = containerDataSource.getConnection()) {
                dialect = Dialect.of(c);
            }
            if (shared && dialect != Dialect.POSTGRESQL) {
                throw new IllegalArgumentException("several nodes need a PostgreSQL data source; "
                        + description + " is not one");
            }
            if (dialect == Dialect.POSTGRESQL) {
                lock = SingleProcessLock.acquire(containerDataSource, description, SingleProcessLock.CHECK_INTERVAL,
                        shared);
            }
            migrate(containerDataSource, description);
            MessageWriter writer = new MessageWriter(containerDataSource, dialect, clock, settings.batchSize(),
                    settings.queueCapacity(), name);
            writer.start();
            LOG.log(Level.INFO, "storage: {0} (the container''s pool, batches of up to {1,number,#})", description,
                    settings.batchSize());
            return new Storage(containerDataSource, List.of(), lock, writer, clock, description, null);
        } catch (SQLException e) {
            closeQuietly(lock, List.of());
            throw SqlFailures.unavailable("opening storage", e);
        } catch (RuntimeException e) {
            closeQuietly(lock, List.of());
            throw e;
        }
    }

    private static void migrate(DataSource dataSource, String description) {
        try {
            MigrateResult result = Flyway.configure(Storage.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.log(Level.INFO, "storage: migrated {0} to schema version {1}", description, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreUnavailableException("migrating " + description + " failed: " + e.getClass().getSimpleName(), e);
        }
    }

    public MessageStore messages() {
        return messages;
    }

    public RoomStore rooms() {
        return rooms;
    }

    public IdentityStore identities() {
        return identities;
    }

    /** The uploaded images. */
    public MediaLibrary media() {
        return media;
    }

    /** The writer's counters: transactions, messages, failures, queue. */
    public WriterStats writerStats() {
        return writer.stats();
    }

    /**
     * Whether this node can serve, as far as its database goes: null when the database answered
     * its last check, about a second ago at most; otherwise why not, one line without secrets.
     * Never waits on the database, but the very first call waits for the first check (2 s at most).
     */
    public String notReadyBecause() {
        return probe.problem();
    }

    /**
     * Reports Sori's own connection pools (HikariCP's {@code hikaricp_*} metrics, by pool name) to
     * {@code tracker}; a container's data source is the container's to measure. Once, at start-up.
     */
    public void trackPools(MetricsTrackerFactory tracker) {
        for (HikariDataSource pool : ownPools) {
            pool.setMetricsTrackerFactory(tracker);
        }
    }

    /** The database, for logs: its URL without parameters. */
    public String description() {
        return description;
    }

    /**
     * Stops accepting appends, waits until every accepted append is committed or failed and its
     * listeners have run, then closes the pool (which, for the embedded H2, closes the database).
     */
    @Override
    public void close() {
        probe.close();
        try {
            writer.close();
        } finally {
            // After the writer: the lock is released only once this process has stopped writing.
            closeQuietly(lock, ownPools);
            if (uploadsInTemp != null) {
                try {
                    JdbcMediaLibrary.emptyScratch(uploadsInTemp);
                    Files.deleteIfExists(uploadsInTemp);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "storage: could not remove {0}: {1}", uploadsInTemp, e.toString());
                }
            }
        }
    }

    private static void closeQuietly(SingleProcessLock lock, List<HikariDataSource> pools) {
        if (lock != null) {
            lock.close();
        }
        for (HikariDataSource pool : pools) {
            pool.close();
        }
    }
}
