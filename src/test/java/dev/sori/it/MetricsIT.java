package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of the real server.jar, with a token: what real WebSocket clients did shows in
 * the scraped text, a scrape without the token gets 401, the token is in no output, and
 * Prometheus' own {@code promtool check metrics} accepts the text (skipped without promtool unless
 * {@code SORI_TEST_REQUIRE_PROMTOOL=true}, as {@code .ci/run} sets after
 * {@code src/test/scripts/metrics-setup.sh} installed it).
 */
class MetricsIT {
    private static final String TOKEN = "scrape-secret-4711";
    private static final boolean PROMTOOL_REQUIRED = Boolean.parseBoolean(
            System.getProperty("sori.test.requirePromtool", System.getenv().getOrDefault("SORI_TEST_REQUIRE_PROMTOOL",
                    "false")))
            || Boolean.parseBoolean(System.getenv().getOrDefault("SORI_TEST_REQUIRE_CLUSTER", "false"));

    private static ServerProcess server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        server = ServerProcess.start(Map.of("SORI_METRICS_TOKEN", TOKEN));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> get(String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.page().resolve("/metrics"))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("Bearer " + TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return response.body();
    }

    /** The value of one series (name with its labels, as Prometheus writes it), or NaN when absent. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static double delta(String before, String after, String series) {
        return value(after, series) - value(before, series);
    }

    /** Scrapes until {@code series} shows {@code expected}: a close is counted when the server hears it. */
    private static String awaitValue(String series, double expected) throws Exception {
        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
        String text;
        do {
            text = scrape();
            if (value(text, series) == expected) {
                return text;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(series + " never became " + expected + ":\n" + text);
    }

    @Test
    void aScrapeWithoutTheTokenOrWithAWrongOneGets401() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x", "Basic " + TOKEN,
                TOKEN}) {
            HttpResponse<String> response = get(authorization);
            assertThat(response.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Bearer"));
            assertThat(response.body()).doesNotContain("sori_").doesNotContain(TOKEN);
        }
        assertThat(server.output()).doesNotContain(TOKEN);
    }

    @Test
    void whatClientsDidShowsInTheScrapedCounts() throws Exception {
        String before = scrape();
        try (TestClient alice = TestClient.connect(server.chat()); TestClient bob = TestClient.connect(server.chat())) {
            for (int i = 1; i <= 3; i++) {
                alice.ack("new_message", "{\"text\":\"metrics " + i + "\"}", "p" + i);
                JsonObject atBob = bob.next("message");
                assertThat(atBob.getJsonObject("payload").getString("text")).isEqualTo("metrics " + i);
            }
            JsonObject refused = alice.request("new_message", "{\"text\":\"\"}", "empty");
            assertThat(refused.getString("type")).isEqualTo("error");
            JsonObject unknown = alice.request("no_such_thing", null, "u1");
            assertThat(unknown.getJsonObject("payload").getString("code")).isEqualTo("unknown_type");

            String text = awaitValue("sori_connections", 2); // a client of another test may still be closing
            assertThat(delta(before, text, "sori_welcomes_total{identity=\"new\"}")).isEqualTo(2);
            assertThat(delta(before, text, "sori_messages_posted_total{outcome=\"stored\"}")).isEqualTo(3);
            assertThat(delta(before, text, "sori_messages_posted_total{outcome=\"refused\"}")).isEqualTo(1);
            assertThat(delta(before, text, "sori_messages_stored_total")).isEqualTo(3);
            // Each message to both members (the author's echo included).
            assertThat(delta(before, text, "sori_messages_delivered_total")).isEqualTo(6);
            assertThat(delta(before, text, "sori_requests_refused_total{code=\"invalid_argument\"}")).isEqualTo(1);
            assertThat(delta(before, text, "sori_requests_refused_total{code=\"unknown_type\"}")).isEqualTo(1);
            assertThat(delta(before, text, "sori_post_delivery_seconds_count")).isEqualTo(3);
            assertThat(delta(before, text, "sori_post_delivery_seconds_bucket{le=\"+Inf\"}")).isEqualTo(3);
            assertThat(delta(before, text, "sori_fanout_seconds_count"))
                    .isBetween(1.0, 3.0);
            assertThat(delta(before, text, "sori_db_commit_batch_messages_sum")).isEqualTo(3);
            assertThat(text).contains("hikaricp_connections_max{pool=\"sori-store-1\"}", "jvm_memory_used_bytes{",
                    "process_cpu_seconds_total", "process_files_open_files", "process_uptime_seconds");
            // No room, identity, nickname or text among the labels.
            assertThat(text).doesNotContain("general").doesNotContain(alice.nick()).doesNotContain("metrics 1");
            bob.closeAndWait();
            awaitValue("sori_connections_closed_total{code=\"1000\"}",
                    value(before, "sori_connections_closed_total{code=\"1000\"}") + 1);
        }
    }

    /** promtool, or the test skips (fails when required). */
    private static Path promtool() {
        Path promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (promtool == null) {
            String why = "promtool is not installed (Debian's prometheus package; src/test/scripts/metrics-setup.sh)";
            if (PROMTOOL_REQUIRED) {
                fail(why + "; SORI_TEST_REQUIRE_PROMTOOL is set, so this is a failure");
            }
            Assumptions.abort("skipping the promtool check: " + why);
        }
        return promtool;
    }

    private static String dashboard() throws IOException {
        return Files.readString(Path.of("docs/grafana/sori-dashboard.json"));
    }

    /** The queries of the Grafana dashboard, with its variables as Prometheus would get them. */
    private static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        collectExprs(Json.createReader(new StringReader(dashboard())).readValue(), queries);
        return queries.stream().map(q -> q.replace("$__rate_interval", "1m").replace("$job", ".*")
                .replace("$instance", ".*")).toList();
    }

    private static void collectExprs(JsonValue value, List<String> into) {
        if (value instanceof JsonObject o) {
            o.forEach((k, v) -> {
                if (k.equals("expr") && v instanceof JsonString s) {
                    into.add(s.getString());
                } else {
                    collectExprs(v, into);
                }
            });
        } else if (value instanceof JsonArray a) {
            a.forEach(v -> collectExprs(v, into));
        }
    }

    @Test
    void everySeriesTheDashboardAsksForExistsInTheRealOutput() throws Exception {
        String text = scrape();
        List<String> queries = dashboardQueries();
        assertThat(queries).hasSizeGreaterThan(20);
        Matcher names = Pattern.compile("\\b((?:sori|hikaricp|jvm|process)_[a-z_]+)").matcher(String.join("\n", queries));
        List<String> missing = new ArrayList<>();
        while (names.find()) {
            String name = names.group(1);
            // The cluster's meters exist on cluster nodes only, GC pauses after the first collection.
            if (!name.startsWith("sori_cluster_") && !name.startsWith("jvm_gc_pause")
                    && !Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE).matcher(text).find()) {
                missing.add(name);
            }
        }
        assertThat(missing).as("series the dashboard asks for and /metrics does not have").isEmpty();
    }

    @Test
    void promtoolAcceptsTheDashboardsQueries() throws Exception {
        Path promtool = promtool();
        Path rules = Files.createTempFile("sori-dashboard", ".rules.yml");
        try {
            StringBuilder yaml = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
            int i = 0;
            for (String query : dashboardQueries()) {
                yaml.append("      - record: dashboard:query").append(i++).append("\n        expr: '")
                        .append(query.replace("'", "''")).append("'\n");
            }
            Files.writeString(rules, yaml);
            Process check = new ProcessBuilder(promtool.toString(), "check", "rules", rules.toString())
                    .redirectErrorStream(true).start();
            String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as("promtool check rules said: %s", said).isZero();
        } finally {
            Files.deleteIfExists(rules);
        }
    }

    @Test
    void promtoolAcceptsTheRealOutput() throws Exception {
        Path promtool = promtool();
        try (TestClient alice = TestClient.connect(server.chat())) {
            alice.ack("new_message", "{\"text\":\"for the histograms\"}", "h1");
        }
        String text = scrape();
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("promtool check metrics said: %s", said).isZero();
        assertThat(said.strip()).isEmpty();
    }
}
