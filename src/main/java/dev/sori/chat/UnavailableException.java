package dev.sori.chat;

/** Storage cannot take or give messages right now (database down, full, overloaded). */
public class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
