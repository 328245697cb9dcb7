package dev.sori.protocol;

/**
 * A request the server refuses. Thrown by request handling and turned into one {@code error}
 * frame for the sender; the connection lives on.
 */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public static ProtocolException invalidArgument(String message) {
        return new ProtocolException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
