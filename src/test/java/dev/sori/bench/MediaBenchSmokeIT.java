package dev.sori.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sori.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tiny runs of the image scenarios (src/test/bench/media.sh) against the packaged server, through
 * the same code as the real benchmark, so that they cannot rot. Not performance tests: they check
 * that every upload is stored and that the report carries its figures. The fetch runs only where
 * {@code wrk} is installed (a benchmark tool, not a test dependency); without it that case skips,
 * unless {@code SORI_TEST_REQUIRE_WRK=true}, as {@code .ci/run} sets after
 * {@code src/test/scripts/bench-setup.sh} installed it.
 */
class MediaBenchSmokeIT {
    private static ServerProcess server;

    @BeforeAll
    static void start() {
        // As media.sh starts it: no per-identity upload limit (10 a minute by default).
        server = ServerProcess.startUnlimited("--uploads-per-minute", "0");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void tinyUploadRunStoresEveryDistinctImageAndReportsItsFigures() throws Exception {
        Path out = report("upload");
        Map<String, Object> report = Bench.run("--url", server.chat().toString(), "--pid", Long.toString(server.pid()),
                "--scenario", "upload", "--uploaders", "2", "--size", "20000", "--warmup", "0.3", "--duration", "1",
                "--out", out.toString(), "--label", "smoke");

        assertThat(Files.readString(out)).contains("\"scenario\": \"upload\"", "\"failed\": 0");
        Map<String, Object> r = (Map<String, Object>) report.get("result");
        long uploads = ((Number) r.get("uploads")).longValue();
        assertThat(uploads).isPositive();
        assertThat(r.get("statuses")).isEqualTo(Map.of("201", uploads));
        assertThat(((Number) r.get("uploadsPerSecond")).doubleValue()).isPositive();
        assertThat(((Number) r.get("megabytesPerSecond")).doubleValue()).isPositive();
        assertThat(((Number) ((Map<String, Object>) r.get("latencyMillis")).get("p99")).doubleValue()).isPositive();
        assertThat(((Number) r.get("serverRssKiBMax")).longValue()).isPositive();
        assertThat(r).containsKeys("serverCpuSecondsPerMB", "serverCpuMillisPerUpload");
        // Distinct images: every upload was kept as a file of its own (none deduplicated).
        try (var files = Files.walk(server.dataDir())) {
            assertThat(files.filter(f -> f.toString().matches(".*/[0-9a-f]{2}/[0-9a-f]{64}")).count())
                    .isGreaterThanOrEqualTo(uploads);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void tinyFetchRunByWrkReportsRequestsAndBytes() throws Exception {
        if (!Files.isExecutable(Paths.get("/usr/bin/wrk"))) {
            String why = "wrk is not installed (Debian's wrk package; src/test/scripts/bench-setup.sh or media.sh install it)";
            if (Boolean.parseBoolean(System.getenv().getOrDefault("SORI_TEST_REQUIRE_WRK", "false"))) {
                fail(why + "; SORI_TEST_REQUIRE_WRK is set, so this is a failure");
            }
            Assumptions.abort("skipping the fetch run: " + why);
        }
        for (boolean notModified : new boolean[] {false, true}) {
            Path out = report("fetch-" + notModified);
            Map<String, Object> report = Bench.run("--url", server.chat().toString(), "--pid", Long.toString(server.pid()),
                    "--scenario", "fetch", "--size", "20000", "--not-modified", Boolean.toString(notModified),
                    "--connections", "2", "--warmup", "0", "--duration", "1", "--wrk", "/usr/bin/wrk",
                    "--out", out.toString(), "--label", "smoke");

            Map<String, Object> r = (Map<String, Object>) report.get("result");
            assertThat(r.get("status")).isEqualTo(notModified ? 304 : 200);
            assertThat(((Number) r.get("requests")).longValue()).isPositive();
            assertThat(r.get("errors")).isEqualTo(0L);
            assertThat(((Number) r.get("requestsPerSecond")).doubleValue()).isPositive();
            assertThat(((Number) r.get("megabytesPerSecond")).doubleValue())
                    .satisfies(mbs -> assertThat(mbs > 0).isEqualTo(!notModified));
        }
    }

    private static Path report(String name) throws Exception {
        Path out = Paths.get(System.getProperty("sori.targetDir", "target"), "bench", "smoke-media-" + name + ".json");
        Files.deleteIfExists(out);
        return out;
    }
}
