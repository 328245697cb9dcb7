package dev.sori.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/** Readiness as far as the database goes, against real databases and real silent or closed ports. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatabaseProbeTest {

    @Test
    void aDatabaseThatAnswersIsReady() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:probe;DB_CLOSE_DELAY=-1");
        try (DatabaseProbe probe = new DatabaseProbe(h2, "h2")) {
            assertThat(probe.problem()).isNull();
            assertThat(probe.problem()).isNull();
        }
    }

    @Test
    void aClosedPortIsNotReadyAndTheReasonNamesNoUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connecting is refused
        }
        try (DatabaseProbe probe = new DatabaseProbe(postgres(port, "secret_password"), "pg")) {
            String problem = probe.problem();
            assertThat(problem).startsWith("cannot reach the database (PSQLException 08001)");
            assertThat(problem).doesNotContain(Integer.toString(port), "secret", "127.0.0.1");
        }
    }

    @Test
    void aDatabaseThatHangsIsNotReadyWhileItHangs() throws Exception {
        // Accepts the TCP connection and never says a word: the driver waits for the server's greeting.
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (DatabaseProbe probe = new DatabaseProbe(postgres(silent.getLocalPort(), "x"), "pg")) {
                assertThat(probe.problem()).isEqualTo("the database has not answered within 2 s");
                // Later asks answer at once, and still say so.
                assertThat(probe.problem()).startsWith("the database has not answered");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aClosedProbeSaysSo() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:probe2;DB_CLOSE_DELAY=-1");
        DatabaseProbe probe = new DatabaseProbe(h2, "h2");
        assertThat(probe.problem()).isNull();
        probe.close();
        assertThat(probe.problem()).isEqualTo("storage closed");
    }

    private static PGSimpleDataSource postgres(int port, String password) {
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {"127.0.0.1"});
        pg.setPortNumbers(new int[] {port});
        pg.setDatabaseName("sori");
        pg.setUser("sori");
        pg.setPassword(password);
        pg.setConnectTimeout(1);
        pg.setSocketTimeout(30);
        return pg;
    }
}
