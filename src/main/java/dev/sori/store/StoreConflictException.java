package dev.sori.store;

/** A row with the same key already exists (a room id or identity id/token taken). */
public class StoreConflictException extends StoreException {
    private static final long serialVersionUID = 1L;

    public StoreConflictException(String message) {
        super(message);
    }
}
