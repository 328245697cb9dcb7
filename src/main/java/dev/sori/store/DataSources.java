package dev.sori.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.SQLException;
import java.time.Duration;

/** The HikariCP pool for a {@link StoreSettings}. */
final class DataSources {
    /** H2's {@code ErrorCode.DATABASE_ALREADY_OPEN_1}. */
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;

    private DataSources() {
    }

    static HikariDataSource create(StoreSettings settings, String poolName, int size) {
        String url = settings.effectiveJdbcUrl();
        boolean h2 = StoreSettings.isH2(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(url);
        // H2 makes the first user of a new file its administrator; a fixed one keeps reopening simple.
        config.setUsername(settings.user() != null ? settings.user() : (h2 ? "sa" : null));
        config.setPassword(settings.password() != null ? settings.password() : (h2 ? "" : null));
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(2, size));
        long timeout = settings.connectionTimeout().toMillis();
        config.setConnectionTimeout(timeout);
        config.setValidationTimeout(Math.min(timeout, Duration.ofSeconds(1).toMillis()));
        // Fail at startup when the database cannot be reached, rather than serve a chat that
        // cannot store anything.
        config.setInitializationFailTimeout(timeout);
        if (StoreSettings.isPostgreSql(url)) {
            // Turns the writer's JDBC batch into multi-row INSERTs: one round trip per batch.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.addDataSourceProperty("tcpKeepAlive", "true");
            config.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, (timeout + 999) / 1000)));
            // A database that hangs instead of failing would otherwise hold the writer forever.
            config.addDataSourceProperty("socketTimeout", "60");
            config.addDataSourceProperty("ApplicationName", "sori");
        }
        try {
            return new HikariDataSource(config);
        } catch (HikariPool.PoolInitializationException e) {
            if (h2 && isH2FileInUse(e)) {
                throw new DatabaseInUseException("another process, most likely another Sori, has the H2 database "
                        + describe(url) + " open (H2 lets one process at a time use its file); "
                        + "run one Sori process per database");
            }
            throw new StoreUnavailableException("cannot connect to the database (" + describe(url) + "): "
                    + reason(e), e);
        }
    }

    /** H2's "Database may be already in use" (90020): another process holds the file's lock. */
    private static boolean isH2FileInUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                return true;
            }
        }
        return false;
    }

    /**
     * The innermost cause, as one short line: what the driver said (a refused connection, a
     * wrong password, a file it cannot open). Drivers do not repeat passwords in these texts.
     */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? "" : root.getMessage().strip().lines().findFirst().orElse("");
        if (text.length() > 200) {
            text = text.substring(0, 200) + "…";
        }
        String code = root instanceof SQLException sql && sql.getErrorCode() != 0 ? " [" + sql.getErrorCode() + "]" : "";
        return root.getClass().getSimpleName() + code + (text.isEmpty() ? "" : ": " + text);
    }

    /** The URL without anything after '?' or ';', where credentials may be passed. */
    static String describe(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }
}
