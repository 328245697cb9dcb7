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
 */
public record ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                           Duration pingInterval, Duration pingTimeout, int maxIdentities,
                           int maxRoomCapacity, Duration emptyRoomTtl) {

    public static final int DEFAULT_MAX_ROOM_CAPACITY = 1000;

    public static final int DEFAULT_MAX_MESSAGE_CHARS = 2000;
    public static final int DEFAULT_MAX_PENDING_FRAMES = 1000;
    public static final long DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(25);
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(60);

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
    }

    /** The settings of the foundation, with the room defaults. */
    public ChatSettings(int maxMessageChars, int maxPendingFrames, long maxPendingBytes,
                        Duration pingInterval, Duration pingTimeout, int maxIdentities) {
        this(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout, maxIdentities,
                DEFAULT_MAX_ROOM_CAPACITY, Duration.ZERO);
    }

    public ChatSettings withRooms(int maxRoomCapacity, Duration emptyRoomTtl) {
        return new ChatSettings(maxMessageChars, maxPendingFrames, maxPendingBytes, pingInterval, pingTimeout,
                maxIdentities, maxRoomCapacity, emptyRoomTtl);
    }

    public static ChatSettings defaults() {
        return new ChatSettings(DEFAULT_MAX_MESSAGE_CHARS, DEFAULT_MAX_PENDING_FRAMES, DEFAULT_MAX_PENDING_BYTES,
                DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, 100_000);
    }
}
