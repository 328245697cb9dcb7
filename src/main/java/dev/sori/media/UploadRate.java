package dev.sori.media;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How many images one identity may upload: {@code perMinute} a minute, all of them at once if it
 * has been quiet (a token bucket kept as the time it would be full again, like the chat's request
 * rate). Per node: in a cluster each node counts the uploads it takes. Thread-safe.
 */
public final class UploadRate {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    /** Identities kept at most; beyond, the idle ones (whose bucket is full again) are forgotten. */
    private static final int TIDY_AT = 10_000;

    private final int perMinute;
    private final long interval;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Long> fullAt = new ConcurrentHashMap<>();

    /** {@code perMinute} 0: no limit. */
    public UploadRate(int perMinute, LongSupplier nanoClock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must not be negative");
        }
        this.perMinute = perMinute;
        this.interval = perMinute == 0 ? 0 : MINUTE / perMinute;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one upload for {@code identityId}: 0 when it may go ahead, else the seconds to wait
     * before the next one may (for {@code Retry-After}); a refused attempt takes nothing.
     */
    public long take(String identityId) {
        if (perMinute == 0) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        long[] wait = {0};
        fullAt.compute(identityId, (id, full) -> {
            long from = full == null || full - now < 0 ? now : full;
            long next = from + interval;
            long ahead = next - now - (long) perMinute * interval;
            if (ahead > 0) {
                wait[0] = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(ahead + TimeUnit.SECONDS.toNanos(1) - 1));
                return full;
            }
            return next;
        });
        if (fullAt.size() > TIDY_AT) {
            fullAt.values().removeIf(full -> full - now < 0);
        }
        return wait[0];
    }
}
