package dev.sori.bootstrap;

import dev.sori.chat.ChatEvents;
import dev.sori.chat.ChatSettings;
import dev.sori.chat.DeliveryRepairs;
import dev.sori.chat.Hub;
import dev.sori.chat.LocalPresence;
import dev.sori.chat.LocalRoomBus;
import dev.sori.chat.LoggedChatEvents;
import dev.sori.cluster.ClusterNode;
import dev.sori.cluster.ClusterSettings;
import dev.sori.cluster.ClusterStatus;
import dev.sori.media.MediaLibrary;
import dev.sori.metrics.NodeMetrics;
import dev.sori.store.DatabaseChatStorage;
import dev.sori.store.Storage;
import java.util.List;
import java.util.function.Supplier;

/**
 * One running chat: its storage, its hub, its metrics and, in a cluster, its node; started and
 * stopped the same way by {@code server.jar} and by the WAR.
 */
public final class ChatNode implements AutoCloseable {
    private final DatabaseChatStorage storage;
    private final ClusterNode cluster;
    private final Hub hub;
    private final NodeMetrics metrics;

    /** Opens the storage: {@code shared} when other nodes use the same database (no single-process lock). */
    @FunctionalInterface
    public interface StorageOpener {
        Storage open(boolean shared);
    }

    private ChatNode(DatabaseChatStorage storage, ClusterNode cluster, Hub hub, NodeMetrics metrics) {
        this.storage = storage;
        this.cluster = cluster;
        this.hub = hub;
        this.metrics = metrics;
    }

    /**
     * Opens the storage, joins the cluster when {@code clusterSettings} is given, and starts the
     * hub. Blocking: call it at start-up.
     *
     * @param ioThreads threads for storage calls besides the message writer
     */
    public static ChatNode start(ChatSettings chat, ClusterSettings clusterSettings, StorageOpener opener,
                                 int ioThreads, String version) {
        DatabaseChatStorage storage = new DatabaseChatStorage(opener.open(clusterSettings != null), ioThreads);
        NodeMetrics metrics = NodeMetrics.enabled() ? new NodeMetrics() : null;
        ClusterNode cluster = null;
        try {
            // The log's listener first: a line is written before anything else hears of the event.
            ChatEvents events = metrics == null ? new LoggedChatEvents()
                    : ChatEvents.all(List.of(new LoggedChatEvents(), metrics.events()));
            Hub hub;
            if (clusterSettings == null) {
                hub = new Hub(chat, version, storage.chatStorage(), new LocalRoomBus(), new LocalPresence(), events);
            } else {
                cluster = ClusterNode.onRedis(clusterSettings);
                hub = new Hub(chat, version, storage.chatStorage(), cluster.bus(), cluster.presence(), events);
                cluster.start();
            }
            if (metrics != null) {
                metrics.bind(hub);
                storage.trackPools(metrics.pools());
                if (cluster != null) {
                    metrics.bind(cluster);
                }
            }
            return new ChatNode(storage, cluster, hub, metrics);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            storage.close();
            if (metrics != null) {
                metrics.close();
            }
            throw e;
        }
    }

    public Hub hub() {
        return hub;
    }

    /** The uploaded images, for the HTTP routes that take and serve them. */
    public MediaLibrary media() {
        return storage.media();
    }

    /** The node's view of its cluster for {@code /healthz}, null on a single node. */
    public ClusterStatus clusterStatus() {
        if (cluster == null) {
            return null;
        }
        DeliveryRepairs r = hub.repairs();
        return cluster.status().withRepairs(new ClusterStatus.Repairs(r.held(), r.reads(), r.skipped()));
    }

    /** The metrics in Prometheus' text format, for {@code /metrics}; null when they are off ({@link NodeMetrics#enabled}). */
    public Supplier<String> metrics() {
        return metrics == null ? null : metrics::scrape;
    }

    /** Whether this node can serve, for {@code /readyz}: null while its database answers, else why not; never waits. */
    public String notReadyBecause() {
        return storage.notReadyBecause();
    }

    /**
     * Closes every connection (1001), leaves the cluster (the others drop this node's members at
     * once) and closes the storage, which commits or fails every accepted message first.
     */
    @Override
    public void close() {
        try {
            hub.close();
        } finally {
            try {
                if (cluster != null) {
                    cluster.close();
                }
            } finally {
                try {
                    storage.close();
                } finally {
                    if (metrics != null) {
                        metrics.close();
                    }
                }
            }
        }
    }
}
