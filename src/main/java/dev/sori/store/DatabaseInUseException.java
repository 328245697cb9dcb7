package dev.sori.store;

/**
 * Another process is using the database, and Sori runs one process per database: the chat
 * delivers a message only to the clients of the process that committed it, presence is counted
 * per process, and the empty-room TTL of one process would remove rooms that people are in on
 * another. Thrown by {@link Storage#open}; its message is one line for the operator, naming the
 * other process as far as the database can tell.
 */
public class DatabaseInUseException extends StoreException {
    private static final long serialVersionUID = 1L;

    public DatabaseInUseException(String message) {
        super(message);
    }
}
