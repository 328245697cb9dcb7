package dev.sori.chat;

import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down room-password guessing, per identity and per address (OWASP's "account lockout"
 * and "login throttling" advice, applied to room passwords):
 *
 * <ul>
 *   <li>an identity may get {@code free} passwords wrong; after that each further attempt must
 *       wait 2^(n − free) seconds after the last wrong one (n = wrong so far), at most
 *       {@value #MAX_DELAY_SECONDS} s; after {@code free} + {@value #BACKOFF_STEPS} wrong in a row
 *       it is refused for {@value #LOCKOUT_MINUTES} minutes. A right password forgets its count.</li>
 *   <li>an address (an IPv6 /64) gets the same treatment at {@value #ADDRESS_FACTOR} times the
 *       numbers, because new identities cost nothing (one connection each) and several people
 *       may share an address behind NAT. A right password does not clear an address: otherwise
 *       a guesser could clear it with a room of their own.</li>
 * </ul>
 *
 * An attempt inside the wait is refused with {@code rate_limited} without looking at the
 * password (whether right or wrong), so the wait cannot be used to test guesses. Every attempt
 * is counted as wrong when it starts and refunded when the password turns out right, so that
 * attempts sent together cannot all pass the check before the first is counted. A missing or
 * empty password is no guess and is not counted.
 *
 * <p>Counts are forgotten {@value #LOCKOUT_MINUTES} minutes after an identity's or address's
 * last wrong password ({@link #sweep}, from the hub's housekeeping). Each map holds at most
 * {@value #MAX_ENTRIES} entries; when one is full (a guessing campaign from that many places at
 * once), newcomers are refused until the sweep makes room: failing closed keeps passwords safe,
 * at the price of locked rooms during such a campaign. Thread-safe.
 */
public final class PasswordGuard {
    /** The largest {@code free} a setting may ask for. */
    public static final int MAX_FREE_ATTEMPTS = 1000;
    static final int BACKOFF_STEPS = 7;
    static final int ADDRESS_FACTOR = 3;
    static final int MAX_DELAY_SECONDS = 60;
    static final int LOCKOUT_MINUTES = 15;
    static final int MAX_ENTRIES = 100_000;

    private static final long SECOND = 1_000_000_000L;
    private static final long LOCKOUT = Duration.ofMinutes(LOCKOUT_MINUTES).toNanos();
    private static final System.Logger LOG = System.getLogger(PasswordGuard.class.getName());

    private final Counters identities;
    private final Counters addresses;
    private final LongSupplier nanos;

    /** @param free wrong passwords an identity may try before the backoff; 0 turns the guard off */
    PasswordGuard(int free, LongSupplier nanos) {
        this.identities = free == 0 ? null : new Counters("identity", free, free + BACKOFF_STEPS);
        this.addresses = free == 0 ? null
                : new Counters("address", free * ADDRESS_FACTOR, (free + BACKOFF_STEPS) * ADDRESS_FACTOR);
        this.nanos = nanos;
    }

    /** One password check that has been let through; tell it how it went. */
    public interface Attempt {
        /** The password was right: the identity's count is forgotten, the address's refunded. */
        void succeeded();

        /** The password was not checked after all (e.g. the hashing queue was full): refunded. */
        void abandoned();

        /** The password was wrong; it was already counted. */
        void failed();
    }

    private static final Attempt UNGUARDED = new Attempt() {
        @Override
        public void succeeded() {
        }

        @Override
        public void abandoned() {
        }

        @Override
        public void failed() {
        }
    };

    /**
     * Lets one password attempt through, counting it as wrong until told otherwise.
     *
     * @param identity the guesser's identity id
     * @param address  the guesser's address key ({@link AddressKey}), or null when unknown
     * @throws ProtocolException {@code rate_limited}, saying when to try again, inside a wait
     */
    public Attempt begin(String identity, String address) {
        if (identities == null) {
            return UNGUARDED;
        }
        long now = nanos.getAsLong();
        long wait = Math.max(identities.waitNanos(identity, now), address == null ? 0 : addresses.waitNanos(address, now));
        if (wait > 0) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many wrong passwords; try again in "
                    + describe(wait));
        }
        identities.count(identity, now);
        if (address != null) {
            addresses.count(address, now);
        }
        return new Attempt() {
            @Override
            public void succeeded() {
                identities.forget(identity);
                refundAddress();
            }

            @Override
            public void abandoned() {
                identities.refund(identity);
                refundAddress();
            }

            @Override
            public void failed() {
                // The wait runs from when the guesser learns the answer, not from when it asked:
                // hashing may take a while under load, and must not eat into the wait.
                long at = nanos.getAsLong();
                identities.failedAt(identity, at);
                if (address != null) {
                    addresses.failedAt(address, at);
                }
                LOG.log(System.Logger.Level.INFO, "wrong room password identity={0} address={1} failures={2,number,#}",
                        identity, address == null ? "-" : address, identities.failures(identity));
            }

            private void refundAddress() {
                if (address != null) {
                    addresses.refund(address);
                }
            }
        };
    }

    /** Forgets every count whose time is up. */
    void sweep() {
        if (identities != null) {
            long now = nanos.getAsLong();
            identities.sweep(now);
            addresses.sweep(now);
        }
    }

    /** Entries held, identities plus addresses: for tests. */
    int size() {
        return identities == null ? 0 : identities.map.size() + addresses.map.size();
    }

    private static String describe(long waitNanos) {
        long seconds = (waitNanos + SECOND - 1) / SECOND;
        return seconds < 120 ? seconds + " s" : (seconds + 59) / 60 + " min";
    }

    /** Wrong passwords by one kind of key. */
    private static final class Counters {
        private final String kind;
        private final int free;
        private final int lockAfter;
        private final Map<String, Entry> map = new ConcurrentHashMap<>();

        Counters(String kind, int free, int lockAfter) {
            this.kind = kind;
            this.free = free;
            this.lockAfter = lockAfter;
        }

        /** How long {@code key} must still wait before its next attempt; 0 when it may go now. */
        long waitNanos(String key, long now) {
            Entry e = map.get(key);
            if (e == null) {
                return map.size() >= MAX_ENTRIES ? LOCKOUT : 0;
            }
            synchronized (e) {
                e.expire(now);
                if (e.lockedUntil != 0) {
                    return e.lockedUntil - now;
                }
                if (e.failures < free) {
                    return 0;
                }
                int step = e.failures - free;
                long delay = step >= 6 ? MAX_DELAY_SECONDS * SECOND : Math.min(SECOND << step, MAX_DELAY_SECONDS * SECOND);
                return Math.max(0, e.lastNanos + delay - now);
            }
        }

        void count(String key, long now) {
            map.compute(key, (k, e) -> {
                Entry entry = e == null ? new Entry() : e;
                synchronized (entry) {
                    entry.expire(now);
                    entry.failures++;
                    entry.lastNanos = now;
                    if (entry.failures >= lockAfter && entry.lockedUntil == 0) {
                        entry.lockedUntil = now + LOCKOUT;
                        if (entry.lockedUntil == 0) {
                            entry.lockedUntil = 1; // 0 means "not locked"
                        }
                        LOG.log(System.Logger.Level.WARNING, "password guessing: {0} {1} refused for {2} min after {3,number,#} wrong passwords",
                                kind, k, LOCKOUT_MINUTES, entry.failures);
                    }
                }
                return entry;
            });
        }

        void failedAt(String key, long now) {
            Entry e = map.get(key);
            if (e != null) {
                synchronized (e) {
                    if (now - e.lastNanos > 0) {
                        e.lastNanos = now;
                    }
                }
            }
        }

        void refund(String key) {
            map.computeIfPresent(key, (k, e) -> {
                synchronized (e) {
                    e.failures = Math.max(0, e.failures - 1);
                    if (e.failures < lockAfter) {
                        e.lockedUntil = 0;
                    }
                    return e.failures == 0 ? null : e;
                }
            });
        }

        void forget(String key) {
            map.remove(key);
        }

        int failures(String key) {
            Entry e = map.get(key);
            return e == null ? 0 : e.failures;
        }

        void sweep(long now) {
            map.entrySet().removeIf(en -> {
                Entry e = en.getValue();
                synchronized (e) {
                    e.expire(now);
                    return e.failures == 0;
                }
            });
        }
    }

    /** One key's wrong passwords; guarded by itself. */
    private static final class Entry {
        int failures;
        long lastNanos;
        long lockedUntil; // 0 when not locked

        /** Forgets everything once the lockout is over, or the last failure is that old. */
        void expire(long now) {
            if (lockedUntil != 0 ? now - lockedUntil >= 0 : failures > 0 && now - lastNanos >= LOCKOUT) {
                failures = 0;
                lockedUntil = 0;
            }
        }
    }
}
