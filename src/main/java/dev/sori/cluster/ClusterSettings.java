package dev.sori.cluster;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * How a node joins its cluster.
 *
 * @param redisUrl    the Redis that carries messages between the nodes, {@code redis://host:port}
 * @param clusterName separates clusters that share one Redis
 * @param nodeId      this node's name in logs and {@code /healthz}; unique in the cluster
 */
public record ClusterSettings(String redisUrl, String clusterName, String nodeId) {
    public static final String DEFAULT_CLUSTER_NAME = "sori";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ClusterSettings {
        if (redisUrl == null || !(redisUrl.startsWith("redis://") || redisUrl.startsWith("rediss://"))) {
            throw new IllegalArgumentException("the Redis URL must look like redis://HOST:PORT");
        }
        if (!NAME.matcher(clusterName).matches()) {
            throw new IllegalArgumentException("a cluster name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (nodeId == null) {
            nodeId = randomNodeId();
        } else if (!NAME.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("a node id is 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    static String randomNodeId() {
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        return "node-" + HexFormat.of().formatHex(bytes);
    }

    /** The pub/sub channel of this cluster. */
    String channel() {
        return "sori:" + clusterName;
    }
}
