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
