package dev.sori.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tiny run of the benchmark's fan-out scenario against the packaged server, through the same
 * code as the real benchmark, so that the generator cannot rot. Not a performance test: it
 * checks that nothing is lost and that a sane report is written, for the default client and
 * for the raw one.
 */
class BenchSmokeIT {

    @ParameterizedTest(name = "--client {0}")
    @ValueSource(strings = {"jdk", "raw"})
    @SuppressWarnings("unchecked")
    void tinyFanOutLosesNothingAndWritesItsReport(String client) throws Exception {
        Path out = Paths.get(System.getProperty("sori.targetDir", "target"), "bench", "smoke-fanout-" + client + ".json");
        Files.deleteIfExists(out);
        // As src/test/bench/suite.sh runs it: no cap on connections from 127.0.0.1; and, since this
        // tiny run packs its rate into 2 senders (100 messages/s each), no rate limit either.
        try (ServerProcess server = ServerProcess.startUnlimited()) {
            Map<String, Object> report = Bench.run("--url", server.chat().toString(), "--pid", Long.toString(server.pid()),
                    "--client", client, "--scenario", "fanout", "--clients", "20", "--senders", "2", "--msg-rate", "200",
                    "--warmup", "0.5", "--duration", "1.5", "--drain", "5", "--in-flight", "8", "--quiet-ms", "200",
                    "--settle-timeout", "30", "--out", out.toString(), "--label", "smoke");

            assertThat(out).isRegularFile();
            assertThat(Files.readString(out)).contains("\"scenario\": \"fanout\"", "\"lost\": 0");
            Map<String, Object> r = (Map<String, Object>) report.get("result");
            assertThat(((Number) r.get("messagesSent")).longValue()).isEqualTo(400);
            assertThat(r.get("messagesAcked")).isEqualTo(400L);
            assertThat(r.get("deliveriesReceived")).isEqualTo(400L * 20);
            assertThat(r.get("lost")).isEqualTo(0L);
            assertThat(r.get("seqGaps")).isEqualTo(0L);
            assertThat(r.get("seqOutOfOrder")).isEqualTo(0L);
            assertThat(r.get("closedWith1013")).isEqualTo(0L);
            Map<String, Object> latency = (Map<String, Object>) r.get("latencyMillis");
            assertThat(((Number) latency.get("count")).longValue()).isEqualTo(300L * 20); // the measured window
            assertThat(((Number) latency.get("p50")).doubleValue()).isPositive();
            assertThat(((Number) r.get("serverCpuMicrosPerDelivery")).doubleValue()).isPositive();
            // A fresh JVM compiles through such a run: its compiler threads were found and read.
            assertThat(((Number) r.get("serverJitCpuMicrosPerDelivery")).doubleValue())
                    .isPositive().isLessThan(((Number) r.get("serverCpuMicrosPerDelivery")).doubleValue());
            assertThat(((Number) r.get("generatorCpuPercentOfOneCore")).doubleValue()).isPositive();
            assertThat(((Number) r.get("deliveriesPerSecond")).doubleValue()).isGreaterThan(0);
        }
    }

    @org.junit.jupiter.api.Test
    @SuppressWarnings("unchecked")
    void rawHandshakesForAGivenTimeCountEachTenSecondWindow() throws Exception {
        Path out = Paths.get(System.getProperty("sori.targetDir", "target"), "bench", "smoke-connect-seconds.json");
        Files.deleteIfExists(out);
        try (ServerProcess server = ServerProcess.startUnlimited()) {
            long started = System.nanoTime();
            Map<String, Object> report = Bench.run("--url", server.chat().toString(), "--pid", Long.toString(server.pid()),
                    "--scenario", "connect", "--mode", "raw", "--seconds", "2", "--in-flight", "4", "--out", out.toString(),
                    "--label", "smoke");

            assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(2_000_000_000L);
            Map<String, Object> r = (Map<String, Object>) report.get("result");
            long welcomed = ((Number) r.get("welcomed")).longValue();
            assertThat(welcomed).isPositive();
            assertThat(r.get("failed")).isEqualTo(0L);
            assertThat(((Number) r.get("clients")).longValue()).isEqualTo(welcomed);
            // One window of 2 s: its rate is what was welcomed in it, over 2 s.
            List<Number> perWindow = (List<Number>) r.get("handshakesPerSecondPer10s");
            assertThat(perWindow).hasSize(1);
            assertThat(perWindow.get(0).doubleValue()).isCloseTo(welcomed / 2.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(Files.readString(out)).contains("\"handshakesPerSecondPer10s\"");
        }
    }
}
