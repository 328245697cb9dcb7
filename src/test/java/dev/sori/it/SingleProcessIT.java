package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.PostgresDatabase;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.ServerProcess.Exited;
import dev.sori.testing.TestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One Sori process per database, until cluster mode: a second {@code server.jar} on a database
 * that a running one uses exits with code 2 and one line saying why, and the first one carries on.
 */
class SingleProcessIT {
    /** Something only a stack trace prints. */
    private static final Pattern STACK_TRACE = Pattern.compile("^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by:",
            Pattern.MULTILINE);

    @Test
    void aSecondProcessOnTheSamePostgreSqlDatabaseExitsWithCode2AndOneLine() throws Exception {
        try (PostgresDatabase db = PostgresDatabase.createOrSkip();
             ServerProcess first = ServerProcess.start(db.serverArgs().toArray(String[]::new))) {
            Exited second = run(db.serverArgs());

            assertThat(second.code()).as(second.output()).isEqualTo(2);
            assertThat(sayings(second)).as(second.output()).containsExactly("sori: another Sori process is using the "
                    + "database " + db.url() + " (PostgreSQL advisory lock 8317992833674866277 held by \"sori pid "
                    + first.pid() + " on ");
            assertThat(second.output()).contains("); run one Sori process per database, or make every process a node of one cluster (--redis-url)")
                    .doesNotContainPattern(STACK_TRACE);

            try (TestClient a = TestClient.connect(first.chat())) {
                assertThat(a.ack("new_message", TestClient.quote("still here"), "m1").asJsonObject()
                        .getJsonNumber("seq").longValue()).as("the first one serves on").isEqualTo(1);
            }
            assertThat(first.terminate(Duration.ofSeconds(30))).isIn(0, 143);
            try (ServerProcess third = ServerProcess.start(db.serverArgs().toArray(String[]::new))) {
                assertThat(ItSupport.get(third.page()).statusCode()).as("once the first has stopped").isEqualTo(200);
            }
        }
    }

    @Test
    void aSecondProcessOnTheSameH2DataDirectoryExitsWithCode2AndOneLine() throws Exception {
        try (ServerProcess first = ServerProcess.start()) {
            long started = System.nanoTime();
            Exited second = run(List.of("--data-dir", first.dataDir().toString(), "--warm-up", "20"));
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertThat(second.code()).as(second.output()).isEqualTo(2);
            assertThat(second.output()).as("refused before the warm-up").doesNotContain("warming up");
            assertThat(millis).as("the 20 s warm-up was not spent first").isLessThan(15_000);
            assertThat(sayings(second)).as(second.output()).containsExactly(
                    "sori: another process, most likely another Sori, has the H2 database jdbc:h2:file:"
                            + first.dataDir().toAbsolutePath().normalize().resolve("sori") + " open (H2 lets one "
                            + "process at a time use its file); run one Sori process per database");
            assertThat(second.output()).doesNotContainPattern(STACK_TRACE);
            assertThat(ItSupport.get(first.page()).statusCode()).isEqualTo(200);
        }
    }

    /** The lines the server says itself ("sori: ..."), each cut at the holder's description. */
    private static List<String> sayings(Exited run) {
        return run.output().lines().filter(l -> l.startsWith("sori: "))
                .map(l -> l.replaceAll("(held by \"sori pid \\d+ on ).*", "$1")).toList();
    }

    private static Exited run(List<String> args) throws Exception {
        return ServerProcess.runToExit(Map.of(), args.toArray(String[]::new));
    }
}
