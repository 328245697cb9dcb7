package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sori.testing.ServerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code target/sori}, the start script (README, "Tune it"): plain {@code java -jar} on a JDK
 * before 25; on JDK 25 or later, an ahead-of-time cache trained once by the jar's own warm-up and
 * used by every start, trained again when the jar is newer.
 */
class StartScriptIT {
    private static final Duration TRAINING_START = Duration.ofSeconds(180);

    @Test
    void onTheProjectsJdkItIsJavaDashJarAndMakesNoCache() throws Exception {
        assumeTrue(Runtime.version().feature() < 25, "the tests' JDK is 25 or later: the other test covers it");
        Path cache = ServerProcess.freshDataDir().resolve("sori.aot");
        try (ServerProcess server = ServerProcess.startCommand(script(), Map.of(
                "JAVA", ServerProcess.javaBinary(), "SORI_AOT_CACHE", cache.toString()), Duration.ofSeconds(30))) {
            assertThat(arguments(server)).contains("-jar").noneMatch(a -> a.startsWith("-XX:AOTCache"));
            assertThat(server.output()).doesNotContain("training");
            assertThat(cache).doesNotExist();
            assertThat(server.terminate(Duration.ofSeconds(30))).isIn(0, 143); // SIGTERM: the JVM exits with 143 once its shutdown hooks ran
        }
    }

    @Test
    void onJdk25TheFirstStartTrainsACacheThatEveryStartThenUses() throws Exception {
        Path java = jdk25();
        assumeTrue(java != null, "no JDK 25 here (/usr/lib/jvm/*25*, or -Dsori.jdk25=PATH/bin/java)");
        Path cache = ServerProcess.freshDataDir().resolve("sori.aot");
        Map<String, String> env = Map.of("JAVA", java.toString(), "SORI_AOT_CACHE", cache.toString(),
                "SORI_AOT_TRAINING", "2");

        try (ServerProcess first = ServerProcess.startCommand(script(), env, TRAINING_START)) {
            assertThat(first.output()).contains("sori: training an ahead-of-time cache for this jar and JVM, once");
            assertThat(cache).isNotEmptyFile();
            assertThat(arguments(first)).contains("-XX:AOTCache=" + cache, "-jar");
            assertThat(first.terminate(Duration.ofSeconds(30))).isIn(0, 143); // SIGTERM: the JVM exits with 143 once its shutdown hooks ran
        }
        FileTime trained = Files.getLastModifiedTime(cache);

        try (ServerProcess again = ServerProcess.startCommand(script(), env, Duration.ofSeconds(60))) {
            assertThat(again.output()).doesNotContain("training").doesNotContain("][aot]"); // a cache it cannot use: [warning][aot], [error  ][aot]
            assertThat(arguments(again)).contains("-XX:AOTCache=" + cache);
            assertThat(Files.getLastModifiedTime(cache)).isEqualTo(trained);
            assertThat(again.terminate(Duration.ofSeconds(30))).isIn(0, 143); // SIGTERM: the JVM exits with 143 once its shutdown hooks ran
        }

        // A cache older than the jar was made for another build of it: trained again.
        Files.setLastModifiedTime(cache, FileTime.fromMillis(0));
        try (ServerProcess rebuilt = ServerProcess.startCommand(script(), env, TRAINING_START)) {
            assertThat(rebuilt.output()).contains("sori: training");
            assertThat(Files.getLastModifiedTime(cache).toMillis()).isPositive();
            assertThat(arguments(rebuilt)).contains("-XX:AOTCache=" + cache);
        }
    }

    /** The script next to the jar, as {@code mvn package} puts it, with ServerProcess's usual arguments. */
    private static List<String> script() {
        Path script = ServerProcess.serverJar().resolveSibling("sori");
        assertThat(script).isExecutable();
        return List.of(script.toString(), "--host", "127.0.0.1", "--port", "0", "--warm-up", "0",
                "--data-dir", ServerProcess.freshDataDir().toString());
    }

    /** The server's JVM's arguments: the script execs it, so its process is the script's. */
    private static List<String> arguments(ServerProcess server) {
        return List.of(server.process().toHandle().info().arguments().orElseThrow());
    }

    private static Path jdk25() throws IOException {
        String given = System.getProperty("sori.jdk25");
        if (given != null) {
            return Paths.get(given);
        }
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> d.getFileName().toString().matches(".*-25(\\D.*)?"))
                    .map(d -> d.resolve("bin/java")).filter(Files::isExecutable).findFirst().orElse(null);
        }
    }
}
