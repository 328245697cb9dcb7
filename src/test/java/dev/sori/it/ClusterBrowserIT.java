package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.Cluster;
import dev.sori.testing.HaProxy;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's end-to-end test through a real load balancer: three {@code server.jar} nodes (one
 * private Redis, one fresh PostgreSQL database) behind Debian's HAProxy, and
 * {@code src/test/browser/cluster.test.mjs} driving two Chromium pages opened through HAProxy's
 * port onto different nodes. The node of one page is killed with {@code kill -9} by the script
 * (it gets every node's id, page URL and pid in {@code SORI_NODES}); that page reconnects through
 * HAProxy to a live node, rejoins with {@code since}, and both carry on.
 *
 * <p>Chromium and playwright-core as for {@link BrowserIT} (a failure when missing, only
 * {@code -DskipBrowserTests} skips); PostgreSQL, redis-server and HAProxy as for the other cluster
 * tests (skipped with the reason when missing, unless required: see {@code ClusterTools}).
 */
class ClusterBrowserIT {
    @Test
    void twoPagesBehindHaProxyCarryOnWhenOnePagesNodeIsKilled() throws Exception {
        Path screenshot = BrowserIT.prepare("browser-cluster.png");
        try (Cluster cluster = Cluster.start(3)) {
            cluster.awaitNodesSeen(3, Duration.ofSeconds(15));
            try (HaProxy haproxy = HaProxy.startOrSkip(cluster)) {
                JsonArrayBuilder nodes = Json.createArrayBuilder();
                for (Cluster.Node node : cluster.running()) {
                    nodes.add(Json.createObjectBuilder().add("id", node.id()).add("url", node.page().toString())
                            .add("pid", node.process().pid()));
                }
                BrowserIT.run("cluster.test.mjs",
                        Map.of("SORI_URL", haproxy.page().toString(), "SORI_NODES", nodes.build().toString()),
                        () -> cluster.outputs() + "\n--- haproxy ---\n" + haproxy.output());
                assertThat(cluster.running()).as("the script killed exactly one node").hasSize(2);
            }
        }
        assertThat(screenshot).as("the screenshot the cluster browser test saves").isNotEmptyFile();
    }
}
