package dev.sori.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.store.DatabaseInUseException;
import dev.sori.store.Storage;
import dev.sori.store.StoreSettings;
import dev.sori.testing.PostgresDatabase;
import org.junit.jupiter.api.Test;

/**
 * The WAR on a PostgreSQL database that a running Sori uses: the deployment fails, and what the
 * container logs of it is the one line that says why.
 */
class SoriWebAppSingleProcessTest {

    @Test
    void theDeploymentFailsWithTheOneLineWhenAnotherSoriUsesTheDatabase() {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip();
             Storage running = Storage.open(StoreSettings.jdbc(db.url(), PostgresDatabase.USER, PostgresDatabase.PASSWORD))) {
            System.setProperty("sori.db-url", db.url());
            System.setProperty("sori.db-user", PostgresDatabase.USER);
            System.setProperty("sori.db-password", PostgresDatabase.PASSWORD);
            try {
                // The container's event is not needed before the storage opens: the failure comes first.
                assertThatThrownBy(() -> new SoriWebApp().contextInitialized(null))
                        .isInstanceOf(DatabaseInUseException.class)
                        .hasMessageStartingWith("another Sori process is using the database " + db.url()
                                + " (PostgreSQL advisory lock 8317992833674866277 held by \"sori pid "
                                + ProcessHandle.current().pid() + " on ")
                        .hasMessageEndingWith("; run one Sori process per database, or make every process a node of one cluster (--redis-url)")
                        .hasNoCause();
            } finally {
                System.clearProperty("sori.db-url");
                System.clearProperty("sori.db-user");
                System.clearProperty("sori.db-password");
            }
        }
    }
}
