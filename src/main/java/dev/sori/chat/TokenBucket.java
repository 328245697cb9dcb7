package dev.sori.chat;

/**
 * A token bucket of {@code burst} tokens refilled at {@code perSecond}, kept as a single number:
 * the time at which the bucket would be full again (the "theoretical arrival time" of the generic
 * cell rate algorithm, GCRA). Taking a token moves that time one interval later; a token may be
 * taken while the time stays within {@code burst} intervals of now. Equivalent to counting
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

    TokenBucket(long perSecond, long burst, long nowNanos) {
        if (perSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.interval = Math.max(1, NANOS_PER_SECOND / perSecond);
        this.tolerance = Math.multiplyExact(burst, interval);
        this.fullAt = nowNanos;
    }

    /** Takes one token if there is one; a refused attempt takes nothing. */
    boolean tryTake(long nowNanos) {
        long from = fullAt - nowNanos > 0 ? fullAt : nowNanos; // an idle bucket refills only up to full
        long next = from + interval;
        if (next - nowNanos > tolerance) {
            return false;
        }
        fullAt = next;
        return true;
    }
}
