package dev.sori.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of its own, {@code sori_test_<random>}, on a real PostgreSQL server, for tests that
 * run the packaged server process against PostgreSQL; dropped on {@link #close}. The same
 * settings and the same skip-or-fail rule as the store tests' {@code PostgresBackend}: the server
 * defaults to 127.0.0.1:5432 as user {@code postgres} (trust auth), overridden by
 * {@code SORI_TEST_PG_URL} (an admin database URL), {@code SORI_TEST_PG_USER} and
 * {@code SORI_TEST_PG_PASSWORD} (or the system properties {@code sori.test.pg.url} etc.).
 *
 * <p>When the server cannot be reached the calling tests are skipped with the reason, unless
 * {@code SORI_TEST_REQUIRE_PG=true} (or {@code -Dsori.test.requirePg=true}): then they fail, so
 * that a CI promising a PostgreSQL run cannot go green without one.
 */
public final class PostgresDatabase implements AutoCloseable {
    public static final String ADMIN_URL = setting("sori.test.pg.url", "SORI_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");
    public static final String USER = setting("sori.test.pg.user", "SORI_TEST_PG_USER", "postgres");
    public static final String PASSWORD = setting("sori.test.pg.password", "SORI_TEST_PG_PASSWORD", "");
    public static final boolean REQUIRED = Boolean.parseBoolean(
            setting("sori.test.requirePg", "SORI_TEST_REQUIRE_PG", "false"));

    private final String name;
    private final String url;

    private PostgresDatabase(String name) {
        this.name = name;
        this.url = withDatabase(ADMIN_URL, name);
    }

    /** A fresh, empty database, or the calling tests skipped (or failed, if required) without a server. */
    public static PostgresDatabase createOrSkip() {
        String name = "sori_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String why = "PostgreSQL not reachable at " + ADMIN_URL + " as " + USER + " (" + e.getMessage()
                    + "); set SORI_TEST_PG_URL / SORI_TEST_PG_USER / SORI_TEST_PG_PASSWORD to use another server";
            if (REQUIRED) {
                fail(why + "; SORI_TEST_REQUIRE_PG is set, so this is a failure");
            }
            Assumptions.abort("skipping PostgreSQL tests: " + why);
        }
        return new PostgresDatabase(name);
    }

    public String name() {
        return name;
    }

    /** The JDBC URL of this database. */
    public String url() {
        return url;
    }

    /** The server's options for this database: {@code --db-url … --db-user …} (and the password, if any). */
    public List<String> serverArgs() {
        List<String> args = new ArrayList<>(List.of("--db-url", url, "--db-user", USER));
        if (!PASSWORD.isEmpty()) {
            args.add("--db-password");
            args.add(PASSWORD);
        }
        return args;
    }

    /**
     * The database goes away as far as its clients can tell: no new connections (superusers
     * included) and the open ones terminated. Other databases are untouched.
     */
    public void takeDown() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    /** Ends every open connection to the database, as a server restart would; new ones are welcome. */
    public void terminateConnections() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                    + "' AND pid <> pg_backend_pid()");
        }
    }

    /** Undoes {@link #takeDown}: connections are welcome again. */
    public void bringBack() throws SQLException {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
        }
    }

    @Override
    public void close() {
        try (Connection admin = admin(); Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + name, e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL database " + name;
    }

    private static Connection admin() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", PASSWORD);
        props.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(ADMIN_URL, props);
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
