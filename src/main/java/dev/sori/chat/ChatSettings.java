package dev.sori.chat;

import java.time.Duration;

/**
 * The limits and timings of the chat, the same in server.jar and in the WAR.
 *
 * @param maxMessageChars   longest message text, in characters (code points)
 * @param maxPendingFrames  frames queued to one client before it is cut loose with 1013
 * @param maxPendingBytes   bytes queued to one client before it is cut loose with 1013
 * @param pingInterval      how long a connection may be silent before the server pings it
 * @param pingTimeout       how long a connection may be silent in all before it is closed
 * @param maxIdentities     identities remembered in memory (oldest unused forgotten first)
 * @param maxRoomCapacity   the largest {@code max} a room may be created with
 * @param emptyRoomTtl      how long a created room may stay empty before it is removed with its
 *                          history; zero keeps rooms until their owner deletes them
 * @param rateLimit         request frames one connection may send per second, sustained; beyond,
 *                          {@code rate_limited}; at 10 times this rate and burst the connection is
 *                          closed with 1008; zero turns both off
 * @param rateBurst         request frames one connection may send at once before the rate applies
 * @param maxConnectionsPerAddress open connections from one address (an IPv6 /64) before the next
 *                          is closed with 1013; zero means no cap
 * @param passwordAttempts  wrong room passwords one identity may try before each further attempt
 *                          must wait (an address may try three times as many); zero turns the
 *                          password backoff off (see {@link PasswordGuard})
 * @param sendTimeout       how long one send to a client may stay unfinished (its peer not
 *                          reading, the kernel's buffers towards it full) before it is cut loose
 *                          with 1013
 * @param maxUploadBytes    the largest image upload, in bytes (shown to clients in {@code welcome})
 * @param uploadsPerMinute  image uploads one identity may make per minute; zero means no limit
 */
public record ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                           Duration pingInterval, Duration pingTimeout, int maxIdentities,
                           int maxRoomCapacity, Duration emptyRoomTtl,
                           int rateLimit, int rateBurst, int maxConnectionsPerAddress, int passwordAttempts,
                           Duration sendTimeout, long maxUploadBytes, int uploadsPerMinute) {

    public static final int DEFAULT_MAX_ROOM_CAPACITY = 1000;

    public static final int DEFAULT_MAX_MESSAGE_CHARS = 2000;
    public static final int DEFAULT_MAX_PENDING_FRAMES = 1000;
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_RATE_LIMIT = 20;
    public static final int DEFAULT_RATE_BURST = 40;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    public static final int DEFAULT_PASSWORD_ATTEMPTS = 3;
    /**
     * Long enough for a reader on a slow or lossy network (TCP's retransmission backoff reaches
     * seconds; a phone may pause for a few), short enough that a reader who stopped is cut loose
     * with 1013 well before the heartbeat would close it with 1001 (60 s).
     */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(20);
    /** The seeds' gif-chat took 5 MB: GIFs are big. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 5L * 1024 * 1024;
    public static final int DEFAULT_UPLOADS_PER_MINUTE = 10;

    public ChatSettings {
        if (maxMessageChars < 1 || maxPendingFrames < 1 || maxPendingBytes < 1 || maxIdentities < 1
                || maxRoomCapacity < 2) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (pingInterval.isNegative() || pingInterval.isZero() || pingTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("the ping timeout must be longer than the ping interval");
        }
        if (emptyRoomTtl.isNegative()) {
            throw new IllegalArgumentException("the empty-room time must not be negative");
        }
        if (rateLimit < 0 || rateBurst < 0 || maxConnectionsPerAddress < 0 || passwordAttempts < 0) {
            throw new IllegalArgumentException("abuse limits must not be negative");
        }
        if (rateLimit > 0 && rateBurst < 1) {
            throw new IllegalArgumentException("the rate burst must be at least 1 when the rate limit is on");
        }
        if (rateLimit > 100_000_000 || rateBurst > 100_000_000 || passwordAttempts > PasswordGuard.MAX_FREE_ATTEMPTS) {
            throw new IllegalArgumentException("abuse limits too large");
        }
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("the send timeout must be positive");
        }
        if (maxUploadBytes < 1 || uploadsPerMinute < 0) {
            throw new IllegalArgumentException("the upload limits must be positive");
        }
    }

    /** The settings before images, with the default upload limits. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities,
                        int maxRoomCapacity, Duration emptyRoomTtl,
                        int rateLimit, int rateBurst, int maxConnectionsPerAddress, int passwordAttempts,
                        Duration sendTimeout) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress, passwordAttempts,
                sendTimeout, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_UPLOADS_PER_MINUTE);
    }

    /** The settings of the limits stage, with the default send timeout. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities,
                        int maxRoomCapacity, Duration emptyRoomTtl,
                        int rateLimit, int rateBurst, int maxConnectionsPerAddress, int passwordAttempts) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress, passwordAttempts,
                DEFAULT_SEND_TIMEOUT);
    }

    /** The settings of the rooms stage, with the default abuse limits. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities,
                        int maxRoomCapacity, Duration emptyRoomTtl) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                maxRoomCapacity, emptyRoomTtl, DEFAULT_RATE_LIMIT, DEFAULT_RATE_BURST,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_PASSWORD_ATTEMPTS);
    }

    /** The settings of the foundation, with the room defaults. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                DEFAULT_MAX_ROOM_CAPACITY, Duration.ZERO);
    }

    public ChatSettings withRooms(int maxRoomCapacity, Duration emptyRoomTtl) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress,
                passwordAttempts, sendTimeout, maxUploadBytes, uploadsPerMinute);
    }

    /** These settings with another request rate limit; {@code 0, 0} turns it off. */
    public ChatSettings withRateLimit(int perSecond, int burst) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, perSecond, burst, maxConnectionsPerAddress,
                passwordAttempts, sendTimeout, maxUploadBytes, uploadsPerMinute);
    }

    /** These settings with another cap on connections per address; 0 means none. */
    public ChatSettings withMaxConnectionsPerAddress(int max) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, max, passwordAttempts, sendTimeout,
                maxUploadBytes, uploadsPerMinute);
    }

    /** These settings with another number of free password attempts; 0 turns the backoff off. */
    public ChatSettings withPasswordAttempts(int attempts) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress,
                attempts, sendTimeout, maxUploadBytes, uploadsPerMinute);
    }

    /**
     * These settings without any abuse limit (rate, connections per address, password backoff,
     * upload rate):
     * for benchmarks and for tests that post faster than a person can, never for a public server.
     */
    public ChatSettings withoutAbuseLimits() {
        return withRateLimit(0, 0).withMaxConnectionsPerAddress(0).withPasswordAttempts(0)
                .withUploads(maxUploadBytes, 0);
    }

    /** These settings with another send timeout. */
    public ChatSettings withSendTimeout(Duration sendTimeout) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress,
                passwordAttempts, sendTimeout, maxUploadBytes, uploadsPerMinute);
    }

    /** These settings with other upload limits; {@code perMinute} 0 means no rate limit. */
    public ChatSettings withUploads(long maxBytes, int perMinute) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, rateLimit, rateBurst, maxConnectionsPerAddress,
                passwordAttempts, sendTimeout, maxBytes, perMinute);
    }

    public static ChatSettings defaults() {
        return new ChatSettings(DEFAULT_MAX_MESSAGE_CHARS, DEFAULT_MAX_PENDING_FRAMES, DEFAULT_MAX_PENDING_BYTES,
                DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, 100_000);
    }
}
