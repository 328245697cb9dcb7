package dev.sori.store;

/**
 * The store cannot do this now: the database is unreachable, full or failing, the append queue
 * is full, or the store is closed. Nothing of the failed operation was stored (see
 * {@link MessageStore#append} for the one exception, a commit whose outcome is unknown). The
 * chat layer answers {@code unavailable}; trying again later may succeed, because the store
 * reconnects by itself.
 */
public class StoreUnavailableException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
