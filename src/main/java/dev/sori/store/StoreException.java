package dev.sori.store;

/**
 * A store operation failed. Messages of these exceptions never carry message text, passwords or
 * tokens, so they are safe to log; their causes are attached only when the cause is about the
 * connection (a database's own error text can echo row values).
 */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
