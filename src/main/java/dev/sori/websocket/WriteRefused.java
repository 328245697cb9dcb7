package dev.sori.websocket;

/**
 * A write refused because its connection is closing or closed ({@link CloseLastWriter},
 * {@link SessionConnection}). Made once per reason and shared: no stack trace (it would only say
 * where the refusal is, at a cost per refused write) and no suppressed exceptions, so sharing it
 * keeps nothing alive.
 */
final class WriteRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WriteRefused(String message) {
        super(message, null, false, false);
    }
}
