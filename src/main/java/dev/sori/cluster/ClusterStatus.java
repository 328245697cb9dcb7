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
 * @param repairs  what its rooms' sequencers repaired since start, null when not known
 */
@JsonbPropertyOrder({"node", "nodes", "redis", "lastEcho", "repairs"})
public record ClusterStatus(String node, int nodes, String redis, Long lastEcho, Repairs repairs) {
    public static final String OK = "ok";
    public static final String DEGRADED = "degraded";

    /**
     * @param held     messages that came before one they follow and waited for it
     * @param logReads reads of the database to fill a gap pub/sub left
     * @param skipped  seqs skipped because retention had removed them
     */
    @JsonbPropertyOrder({"held", "logReads", "skipped"})
    public record Repairs(long held, long logReads, long skipped) {
    }

    public ClusterStatus withRepairs(Repairs repairs) {
        return new ClusterStatus(node, nodes, redis, lastEcho, repairs);
    }
}
