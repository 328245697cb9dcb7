package dev.sori.chat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A rate per key (an identity's uploads, an API key's publishes): {@code perMinute} a minute, all
 * of them at once after a quiet minute, one {@link TokenBucket} per key. Per node: in a cluster
 * each node counts what it takes. Thread-safe; keys whose bucket is full again are forgotten once
 * there are many.
 */
public final class PerKeyRate {
    /** Keys kept at most; beyond, the idle ones (whose bucket is full again) are forgotten. */
    private static final int TIDY_AT = 10_000;
    /** At most one tidy-up a second: with more busy keys than that, each take would walk them all. */
    private static final long TIDY_EVERY = TimeUnit.SECONDS.toNanos(1);

    private final int perMinute;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private volatile long tidiedAt;

    /** {@code perMinute} 0: no limit. {@code nanoClock}: {@link System#nanoTime()}, or a test's. */
    public PerKeyRate(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must not be negative");
        }
        this.perMinute = perMinute;
        this.nanoClock = nanoClock;
        this.tidiedAt = nanoClock.getAsLong() - TIDY_EVERY;
    }

    /**
     * Takes one for {@code key}: 0 when it may go ahead, else the whole seconds to wait before the
     * next one may (for {@code Retry-After}, at least 1); a refused attempt takes nothing.
     */
    public long take(String key) {
        if (perMinute == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        long[] early = {0};
        buckets.compute(key, (k, bucket) -> {
            TokenBucket b = bucket != null ? bucket : TokenBucket.perMinute(perMinute, now);
            early[0] = b.take(now);
            return b;
        });
        if (buckets.size() > TIDY_AT && now - tidiedAt >= TIDY_EVERY) {
            tidiedAt = now;
            // Under each key's own lock, so that a take racing with the tidy-up is never lost.
            buckets.keySet().forEach(k -> buckets.computeIfPresent(k, (kk, b) -> b.isFull(now) ? null : b));
        }
        // Whole seconds, rounded up: a wait of a nanosecond is a second.
        return early[0] == 0 ? 0 : TimeUnit.NANOSECONDS.toSeconds(early[0] + TimeUnit.SECONDS.toNanos(1) - 1);
    }

    /** How many keys are remembered (for tests). */
    int keys() {
        return buckets.size();
    }
}
