package dev.sori.store;

import dev.sori.testing.PostgresDatabase;
import java.sql.SQLException;

/**
 * The store tests' view of a {@link PostgresDatabase}: a database of its own,
 * {@code sori_test_<random>}, on a real PostgreSQL server, dropped after the tests; skipped
 * without a server unless {@code SORI_TEST_REQUIRE_PG=true} (see {@link PostgresDatabase} for the
 * settings that point it at another server).
 */
final class PostgresBackend extends Backend {
    private final PostgresDatabase database;

    private PostgresBackend(PostgresDatabase database) {
        this.database = database;
    }

    /** A fresh database, or the calling tests skipped with the reason when there is no server. */
    static PostgresBackend createOrSkip() {
        return new PostgresBackend(PostgresDatabase.createOrSkip());
    }

    @Override
    String name() {
        return "PostgreSQL";
    }

    String database() {
        return database.name();
    }

    @Override
    StoreSettings settings() {
        return StoreSettings.jdbc(database.url(), PostgresDatabase.USER, PostgresDatabase.PASSWORD).withPoolSize(4);
    }

    /** See {@link PostgresDatabase#takeDown}. */
    void takeDown() throws SQLException {
        database.takeDown();
    }

    /** See {@link PostgresDatabase#terminateConnections}. */
    void terminateConnections() throws SQLException {
        database.terminateConnections();
    }

    void bringBack() throws SQLException {
        database.bringBack();
    }

    @Override
    public void close() {
        database.close();
    }
}
