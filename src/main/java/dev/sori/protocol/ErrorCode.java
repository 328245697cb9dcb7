package dev.sori.protocol;

import java.util.Locale;

/** The {@code code} of an {@code error} payload, as listed in the protocol. */
public enum ErrorCode {
    BAD_JSON,
    BAD_ENVELOPE,
    UNKNOWN_TYPE,
    INVALID_ARGUMENT,
    TOO_LARGE,
    UNSUPPORTED,
    RATE_LIMITED,
    NOT_FOUND,
    FORBIDDEN,
    ROOM_FULL,
    NOT_IN_ROOM,
    CONFLICT,
    UNAVAILABLE,
    INTERNAL;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** The code as it appears on the wire, e.g. {@code bad_json}. */
    public String wireName() {
        return wireName;
    }
}
