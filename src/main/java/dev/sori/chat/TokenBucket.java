package dev.sori.chat;

/**
 * A token bucket of {@code burst} tokens refilled one per {@code interval}, kept as a single
 * number: the time at which the bucket would be full again (the "theoretical arrival time" of the
 * generic cell rate algorithm, GCRA). Taking a token moves that time one interval later; a token
 * may be taken while the time stays within {@code burst} intervals of now. Equivalent to counting
 * tokens, but with no division, no floating point and nothing allocated per frame.
 *
 * <p>Times are {@link System#nanoTime()} readings passed in by the caller, so tests choose the
 * clock. Not thread-safe: its owner serialises calls.
 */
final class TokenBucket {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long interval;  // nanoseconds per token
    private final long tolerance; // burst × interval: how far ahead of now the full time may run
    private long fullAt;          // when the bucket would hold all its tokens again

    private TokenBucket(long interval, long burst, long nowNanos) {
        this.interval = Math.max(1, interval);
        this.tolerance = Math.multiplyExact(requirePositive(burst), this.interval);
        this.fullAt = nowNanos;
    }

    /** {@code perSecond} tokens a second, at most {@code burst} at once; full at {@code nowNanos}. */
    static TokenBucket perSecond(long perSecond, long burst, long nowNanos) {
        return new TokenBucket(NANOS_PER_SECOND / requirePositive(perSecond), burst, nowNanos);
    }

    /** {@code perMinute} tokens a minute, all of them at once after a quiet minute; full at {@code nowNanos}. */
    static TokenBucket perMinute(int perMinute, long nowNanos) {
        return new TokenBucket(60 * NANOS_PER_SECOND / requirePositive(perMinute), perMinute, nowNanos);
    }

    private static long requirePositive(long rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        return rate;
    }

    /** Takes one token if there is one; a refused attempt takes nothing. */
    boolean tryTake(long nowNanos) {
        return take(nowNanos) == 0;
    }

    /**
     * Takes one token and answers 0 if there is one; else answers how many nanoseconds from now
     * the next one comes, taking nothing.
     */
    long take(long nowNanos) {
        long from = fullAt - nowNanos > 0 ? fullAt : nowNanos; // an idle bucket refills only up to full
        long next = from + interval;
        long early = next - nowNanos - tolerance;
        if (early > 0) {
            return early;
        }
        fullAt = next;
        return 0;
    }

    /** True when the bucket holds all its tokens again: forgetting it changes nothing. */
    boolean isFull(long nowNanos) {
        return fullAt - nowNanos <= 0;
    }
}
