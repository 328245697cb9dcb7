package dev.sori.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Redis pub/sub in memory, for nodes in one JVM: every frame goes to every attached transport,
 * each on a receiving thread of its own, in order. A transport can be cut off (frames it sends
 * and frames sent to it are lost), as a node whose Redis link is down.
 */
final class MemoryNetwork {
    private final List<Transport> attached = new CopyOnWriteArrayList<>();

    Transport transport() {
        return new Transport();
    }

    final class Transport implements ClusterTransport {
        private final ExecutorService receiving = Executors.newSingleThreadExecutor();
        private volatile Consumer<byte[]> receiver = frame -> { };
        private volatile boolean cut;
        private volatile boolean silent;
        volatile int reconnects;

        @Override
        public void start(Consumer<byte[]> receiver) {
            this.receiver = receiver;
            attached.add(this);
        }

        @Override
        public void publish(byte[] frame) {
            if (cut || silent) {
                return;
            }
            for (Transport t : attached) {
                if (!t.cut && !t.silent) {
                    t.receiving.execute(() -> t.receiver.accept(frame));
                }
            }
        }

        @Override
        public void publishLast(byte[] frame) {
            publish(frame);
        }

        @Override
        public boolean connected() {
            return !cut;
        }

        @Override
        public void reconnect() {
            reconnects++;
        }

        /** Loses everything to and from this node until {@link #restore}. */
        void cut() {
            cut = true;
        }

        /** Loses everything to and from this node, while the link says it is up (a blackholed network). */
        void silence() {
            silent = true;
        }

        void restore() {
            cut = false;
            silent = false;
        }

        @Override
        public void close() {
            attached.remove(this);
            receiving.shutdown();
            try {
                receiving.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
