package dev.sori.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how to store.
 *
 * @param dataDir           directory of the embedded H2 database ({@code <dataDir>/sori.mv.db}),
 *                          used when {@code jdbcUrl} is null
 * @param jdbcUrl           a PostgreSQL (or H2) JDBC URL, or null for the embedded default
 * @param user              database user, or null (H2: {@code sa})
 * @param password          database password, or null; never printed by {@link #toString}
 * @param poolSize          connections, at least 2: one reserved for the writer, the rest for reads
 *                          and room/identity calls
 * @param batchSize         the most messages committed in one transaction
 * @param queueCapacity     the most appends accepted and not yet completed; beyond it appends fail
 *                          at once instead of growing memory while the database is slow or down
 * @param connectionTimeout how long to wait for a connection before failing with
 *                          {@link StoreUnavailableException}: while the database is down, each
 *                          batch fails after this long
 */
public record StoreSettings(Path dataDir, String jdbcUrl, String user, String password, int poolSize,
        int batchSize, int queueCapacity, Duration connectionTimeout) {

    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final int DEFAULT_QUEUE_CAPACITY = 20_000;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    public StoreSettings {
        if (jdbcUrl == null && dataDir == null) {
            throw new IllegalArgumentException("either dataDir or jdbcUrl is needed");
        }
        if (jdbcUrl != null && !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc:");
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be at least 2 (the writer holds one)");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1");
        }
        if (connectionTimeout == null || connectionTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout must be at least 250 ms (HikariCP's minimum)");
        }
    }

    /** The embedded default: H2 in {@code <dataDir>/sori}. */
    public static StoreSettings h2(Path dataDir) {
        return new StoreSettings(dataDir, null, null, null, DEFAULT_POOL_SIZE, DEFAULT_BATCH_SIZE,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_CONNECTION_TIMEOUT);
    }

    /** A server database, e.g. {@code jdbc:postgresql://db:5432/sori}. */
    public static StoreSettings jdbc(String jdbcUrl, String user, String password) {
        return new StoreSettings(null, jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_BATCH_SIZE,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_CONNECTION_TIMEOUT);
    }

    public StoreSettings withPoolSize(int n) {
        return new StoreSettings(dataDir, jdbcUrl, user, password, n, batchSize, queueCapacity, connectionTimeout);
    }

    public StoreSettings withBatchSize(int n) {
        return new StoreSettings(dataDir, jdbcUrl, user, password, poolSize, n, queueCapacity, connectionTimeout);
    }

    public StoreSettings withQueueCapacity(int n) {
        return new StoreSettings(dataDir, jdbcUrl, user, password, poolSize, batchSize, n, connectionTimeout);
    }

    public StoreSettings withConnectionTimeout(Duration d) {
        return new StoreSettings(dataDir, jdbcUrl, user, password, poolSize, batchSize, queueCapacity, d);
    }

    /**
     * The URL actually used. H2 URLs get {@code WRITE_DELAY=0} unless they set it: H2 otherwise
     * writes committed transactions to the file up to half a second later, and an acknowledged
     * message must survive the process being killed. Group commit keeps that affordable.
     *
     * <p>What it costs: each H2 commit then writes a chunk of its own (some 20 KB), and H2 keeps
     * replaced chunks for its 45-second retention time before reusing their space. So the file
     * grows to about commits-per-second x 20 KB x a minute at the busiest time (a few MB for a
     * chat; gigabytes under a benchmark's tens of thousands of messages a second), is reused
     * from then on, and shrinks when compacted ({@code SHUTDOWN COMPACT}, or H2's short
     * compaction on close). H2 does not fsync each commit: an acknowledged message survives the
     * process being killed, not the machine losing power. PostgreSQL survives both.
     */
    public String effectiveJdbcUrl() {
        String url = jdbcUrl != null ? jdbcUrl
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("sori") + ";DB_CLOSE_ON_EXIT=FALSE";
        if (isH2(url) && !url.toUpperCase(Locale.ROOT).contains("WRITE_DELAY")) {
            url += ";WRITE_DELAY=0";
        }
        return url;
    }

    static boolean isH2(String url) {
        return url.startsWith("jdbc:h2:");
    }

    /** Whether {@code url} names a PostgreSQL database (the one several nodes can share). */
    public static boolean isPostgreSql(String url) {
        return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "StoreSettings[dataDir=" + dataDir + ", jdbcUrl=" + jdbcUrl + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", poolSize=" + poolSize
                + ", batchSize=" + batchSize + ", queueCapacity=" + queueCapacity
                + ", connectionTimeout=" + connectionTimeout + "]";
    }
}
