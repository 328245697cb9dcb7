package dev.sori.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of its own, {@code sori_test_<random>}, on a real PostgreSQL server, dropped after
 * the tests. The server defaults to 127.0.0.1:5432 as user {@code postgres} (trust auth) and is
 * overridden by {@code SORI_TEST_PG_URL} (an admin database URL, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code SORI_TEST_PG_USER} and
 * {@code SORI_TEST_PG_PASSWORD}, or the same as system properties {@code sori.test.pg.url} etc.
 *
 * <p>When the server cannot be reached the tests are skipped, not failed, unless
 * {@code SORI_TEST_REQUIRE_PG=true} (or {@code -Dsori.test.requirePg=true}), which a CI that
 * promises a PostgreSQL run sets so that a missing server cannot pass as a green build.
 */
final class PostgresBackend extends Backend {
    static final String ADMIN_URL = setting("sori.test.pg.url", "SORI_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    static final String USER = setting("sori.test.pg.user", "SORI_TEST_PG_USER", "postgres");
    static final String PASSWORD = setting("sori.test.pg.password", "SORI_TEST_PG_PASSWORD", "");
    static final boolean REQUIRED = Boolean.parseBoolean(setting("sori.test.requirePg", "SORI_TEST_REQUIRE_PG", "false"));

    private final String database;
    private final String url;

    private PostgresBackend(String database) {
        this.database = database;
        this.url = withDatabase(ADMIN_URL, database);
    }

    /** A fresh database, or the calling tests skipped with the reason when there is no server. */
    static PostgresBackend createOrSkip() {
        String database = "sori_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        try (Connection admin = admin()) {
            try (Statement st = admin.createStatement()) {
                st.execute("CREATE DATABASE " + database);
            }
        } catch (SQLException e) {
            String why = "PostgreSQL not reachable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage()
                    + "); set SORI_TEST_PG_URL / SORI_TEST_PG_USER / SORI_TEST_PG_PASSWORD to use another server";
            if (REQUIRED) {
                fail(why + "; SORI_TEST_REQUIRE_PG is set, so this is a failure");
            }
            Assumptions.abort("skipping PostgreSQL tests: " + why);
        }
        return new PostgresBackend(database);
    }

    private static Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(ADMIN_URL, props);
    }

    @Override
    String name() {
        return "PostgreSQL";
    }

    String database() {
        return database;
    }

    @Override
    StoreSettings settings() {
        return StoreSettings.jdbc(url, USER, PASSWORD).withPoolSize(4);
    }

    /**
     * The database goes away as far as Sori can tell: no new connections (superusers included,
     * unlike a connection limit) and the open ones terminated. Other databases are untouched.
     */
    void takeDown() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    /** Ends every open connection to the database, as a server restart would; new ones are welcome. */
    void terminateConnections() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    void bringBack() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS true");
        }
    }

    @Override
    public void close() {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + database, e);
        }
    }

    private static String withDatabase(String adminUrl, String database) {
        int query = adminUrl.indexOf('?');
        String base = query < 0 ? adminUrl : adminUrl.substring(0, query);
        String params = query < 0 ? "" : adminUrl.substring(query);
        int slash = base.lastIndexOf('/');
        if (slash < "jdbc:postgresql://".length()) {
            return base + "/" + database + params;
        }
        return base.substring(0, slash + 1) + database + params;
    }

    private static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null) {
            v = System.getenv(env);
        }
        return v != null ? v : fallback;
    }
}
