package dev.sori.chat;

/** The WebSocket close codes Sori uses (RFC 6455, section 7.4.1). */
public final class CloseCodes {
    /** Server shutting down, or the peer stopped answering pings. */
    public static final int GOING_AWAY = 1001;
    /** Policy violation: abuse such as flooding past the rate limit. */
    public static final int POLICY_VIOLATION = 1008;
    /** An unexpected failure inside the server while handling this connection. */
    public static final int INTERNAL_ERROR = 1011;
    /** Try again later: the client cannot keep up with what it is sent, or a cap is reached. */
    public static final int TRY_AGAIN_LATER = 1013;

    private CloseCodes() {
    }
}
