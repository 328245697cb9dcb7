package dev.sori.cluster;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A node's view of its cluster, as {@code /healthz} shows it.
 *
 * @param node     this node's id
 * @param nodes    the nodes it hears (itself included)
 * @param redis    {@code ok}, or {@code degraded} while its own heartbeat does not come back:
 *                 the node still serves, and delivery between nodes goes on through the sweep
 * @param lastEcho milliseconds since its own heartbeat last came back, null before the first
 */
@JsonbPropertyOrder({"node", "nodes", "redis", "lastEcho"})
public record ClusterStatus(String node, int nodes, String redis, Long lastEcho) {
    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";
}
