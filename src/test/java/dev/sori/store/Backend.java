package dev.sori.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A fresh, empty database for one test class, and a way to reach it behind the store's back. */
abstract class Backend implements AutoCloseable {

    abstract String name();

    /** Settings for a store on this database; small pools, so that many stores fit. */
    abstract StoreSettings settings();

    /** A plain JDBC connection to the same database, outside any pool. */
    Connection connect() throws SQLException {
        StoreSettings s = settings();
        String url = s.effectiveJdbcUrl();
        String user = s.user() != null ? s.user() : (StoreSettings.isH2(url) ? "sa" : null);
        String password = s.password() != null ? s.password() : "";
        return DriverManager.getConnection(url, user, password);
    }

    /**
     * Called before each test. A backend that can make a new database cheaply does, so that a test
     * that leaves its database unusable fails alone instead of failing every test after it.
     */
    void freshDatabase() {
    }

    @Override
    public abstract void close();

    @Override
    public String toString() {
        return name();
    }
}
