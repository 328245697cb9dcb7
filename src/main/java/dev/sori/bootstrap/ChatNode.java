package dev.sori.bootstrap;

import dev.sori.chat.ChatSettings;
import dev.sori.chat.DeliveryRepairs;
import dev.sori.chat.Hub;
import dev.sori.cluster.ClusterNode;
import dev.sori.cluster.ClusterSettings;
import dev.sori.cluster.ClusterStatus;
import dev.sori.media.MediaLibrary;
import dev.sori.store.DatabaseChatStorage;
import dev.sori.store.Storage;

/**
 * One running chat: its storage, its hub and, in a cluster, its node; started and stopped the
 * same way by {@code server.jar} and by the WAR.
 */
public final class ChatNode implements AutoCloseable {
    private final DatabaseChatStorage storage;
    private final ClusterNode cluster;
    private final Hub hub;

    /** Opens the storage: {@code shared} when other nodes use the same database (no single-process lock). */
    @FunctionalInterface
    public interface StorageOpener {
        Storage open(boolean shared);
    }

    private ChatNode(DatabaseChatStorage storage, ClusterNode cluster, Hub hub) {
        this.storage = storage;
        this.cluster = cluster;
        this.hub = hub;
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
        ClusterNode cluster = null;
        try {
            Hub hub;
            if (clusterSettings == null) {
                hub = new Hub(chat, version, storage.chatStorage());
            } else {
                cluster = ClusterNode.onRedis(clusterSettings);
                hub = new Hub(chat, version, storage.chatStorage(), cluster.bus(), cluster.presence());
                cluster.start();
            }
            return new ChatNode(storage, cluster, hub);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            storage.close();
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
                storage.close();
            }
        }
    }
}
