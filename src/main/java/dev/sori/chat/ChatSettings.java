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
 * @param sendTimeout       how long one send to a client may stay unfinished (its peer not
 *                          reading, the kernel's buffers towards it full) before it is cut loose
 *                          with 1013
 */
public record ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                           Duration pingInterval, Duration pingTimeout, int maxIdentities,
                           int maxRoomCapacity, Duration emptyRoomTtl, Duration sendTimeout) {

    public static final int DEFAULT_MAX_ROOM_CAPACITY = 1000;

    public static final int DEFAULT_MAX_MESSAGE_CHARS = 2000;
    public static final int DEFAULT_MAX_PENDING_FRAMES = 1000;
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Long enough for a reader on a slow or lossy network (TCP's retransmission backoff reaches
     * seconds; a phone may pause for a few), short enough that a reader who stopped is cut loose
     * with 1013 well before the heartbeat would close it with 1001 (60 s).
     */
    public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(20);

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
        if (sendTimeout.isNegative() || sendTimeout.isZero()) {
            throw new IllegalArgumentException("the send timeout must be positive");
        }
    }

    /** The settings before the send timeout, with its default. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities,
                        int maxRoomCapacity, Duration emptyRoomTtl) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                maxRoomCapacity, emptyRoomTtl, DEFAULT_SEND_TIMEOUT);
    }

    /** The settings of the foundation, with the room defaults. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                DEFAULT_MAX_ROOM_CAPACITY, Duration.ZERO);
    }

    public ChatSettings withRooms(int maxRoomCapacity, Duration emptyRoomTtl) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, sendTimeout);
    }

    public ChatSettings withSendTimeout(Duration sendTimeout) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl, sendTimeout);
    }

    public static ChatSettings defaults() {
        return new ChatSettings(DEFAULT_MAX_MESSAGE_CHARS, DEFAULT_MAX_PENDING_FRAMES, DEFAULT_MAX_PENDING_BYTES,
                DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, 100_000);
    }
}
