package dev.sori.chat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts open connections per address ({@link AddressKey}) and refuses one beyond the cap. An
 * address is in the map only while it has connections open, so the map is bounded by the
 * number of connections. Thread-safe.
 */
final class ConnectionCap {
    private final int max; // 0: no cap
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionCap(int max) {
        this.max = max;
    }

    /** Counts a new connection from {@code key}; false (and nothing counted) when it is over the cap. */
    boolean tryOpen(String key) {
        if (max == 0 || key == null) {
            return true;
        }
        boolean[] admitted = {false};
        open.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        return admitted[0];
    }

    /** A connection counted by {@link #tryOpen} has closed. */
    void closed(String key) {
        if (max == 0 || key == null) {
            return;
        }
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    int max() {
        return max;
    }

    /** Open connections from {@code key}: for the log line and tests. */
    int count(String key) {
        Integer n = key == null ? null : open.get(key);
        return n == null ? 0 : n;
    }
}
