package dev.sori.chat;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sequencers of a hub repaired since start: messages that came early and were held,
 * reads of the log to fill a gap, and seqs skipped because the log no longer had them. On one node
 * they stay near zero; in a cluster they say how much pub/sub lost or reordered.
 */
public final class DeliveryRepairs {
    static final DeliveryRepairs UNCOUNTED = new DeliveryRepairs();
    private final AtomicLong held = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();

    public long held() {
        return held.get();
    }

    public long reads() {
        return reads.get();
    }

    public long skipped() {
        return skipped.get();
    }

    void held(long messages) {
        held.addAndGet(messages);
    }

    void read() {
        reads.incrementAndGet();
    }

    void skipped(long seqs) {
        skipped.addAndGet(seqs);
    }
}
