package dev.sori.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * What every client of one generator shares: the current load phase's tag and measured window,
 * the latency recorder, and event counts. A phase changes these while no bench traffic flows.
 */
final class Run {
    /** Messages of the current phase carry text starting with this ("b:<phase>:"). */
    volatile String tag = "b:-:";
    /** Latencies are recorded for messages whose scheduled send time falls in [start, end). */
    volatile long windowStart = Long.MAX_VALUE;
    volatile long windowEnd = Long.MIN_VALUE;
    /** Delivery latency, microseconds, measured from the scheduled send time. */
    final Recorder latency = new Recorder(3);
    /** Handshake time (connect started to welcome received), microseconds. */
    final Recorder handshakes = new Recorder(3);
    /**
     * With clients spread over several nodes (client i on node i mod {@code nodes}): the same
     * latency split by whether the sender sat on the receiver's node or another one.
     */
    volatile int nodes = 1;
    final Recorder latencySameNode = new Recorder(3);
    final Recorder latencyOtherNode = new Recorder(3);
    /**
     * An optional timeline by scheduled send time: per bucket of {@link #BUCKET_NANOS}, the worst
     * latency (µs) seen on the sender's node and on the others, and how many were delivered.
     * Shows when delivery between nodes stops and resumes (a Redis restart).
     */
    static final long BUCKET_NANOS = 100_000_000L;
    volatile long timelineStart = Long.MAX_VALUE;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineMaxSame;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineMaxOther;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineCountOther;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineSumOther;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineCountSame;
    volatile java.util.concurrent.atomic.AtomicLongArray timelineSumSame;

    void startTimeline(long startNanos, double seconds) {
        int buckets = (int) Math.ceil(seconds * 1e9 / BUCKET_NANOS) + 1;
        timelineMaxSame = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineMaxOther = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineCountOther = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineSumOther = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineCountSame = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineSumSame = new java.util.concurrent.atomic.AtomicLongArray(buckets);
        timelineStart = startNanos;
    }

    void stopTimeline() {
        timelineStart = Long.MAX_VALUE;
    }

    /** One bench delivery: into the split histograms and the timeline, when they are on. */
    void delivered(int sender, int receiver, long scheduled, long micros, boolean inWindow) {
        int n = nodes;
        boolean same = sender % n == receiver % n;
        if (n > 1 && inWindow) {
            (same ? latencySameNode : latencyOtherNode).recordValue(micros);
        }
        long t0 = timelineStart;
        if (scheduled >= t0) {
            java.util.concurrent.atomic.AtomicLongArray max = same ? timelineMaxSame : timelineMaxOther;
            int b = (int) ((scheduled - t0) / BUCKET_NANOS);
            if (max != null && b < max.length()) {
                max.accumulateAndGet(b, micros, Math::max);
                (same ? timelineCountSame : timelineCountOther).incrementAndGet(b);
                (same ? timelineSumSame : timelineSumOther).addAndGet(b, micros);
            }
        }
    }

    final LongAdder closes1013 = new LongAdder();
    final LongAdder closesOther = new LongAdder();
    final LongAdder transportErrors = new LongAdder();
    private final List<String> samples = new ArrayList<>();

    /** Keeps the first few unexpected frames or failures for the report. */
    void sample(String what) {
        synchronized (samples) {
            if (samples.size() < 10) {
                samples.add(what.length() > 300 ? what.substring(0, 300) + "…" : what);
            }
        }
    }

    List<String> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
