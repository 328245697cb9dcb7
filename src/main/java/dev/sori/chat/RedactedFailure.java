package dev.sori.chat;

/**
 * A failure as the log may show it: the class names and stack traces of an exception and its
 * causes, without their messages. Messages of exceptions from parsers, number conversions or a
 * database driver can quote their input (a message's text, a password, a token), and the log
 * must never hold those; the class and the stack are what a bug report needs.
 */
public final class RedactedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Cause chains deeper than this are cut (a cycle would never end). */
    private static final int MAX_CAUSES = 8;

    private RedactedFailure(Throwable original, RedactedFailure cause) {
        super(original.getClass().getName(), cause, false, true);
        setStackTrace(original.getStackTrace());
    }

    /** {@code failure} with every message left out. */
    public static RedactedFailure of(Throwable failure) {
        return of(failure, 0);
    }

    private static RedactedFailure of(Throwable failure, int depth) {
        Throwable cause = failure.getCause();
        RedactedFailure redactedCause = cause == null || cause == failure || depth >= MAX_CAUSES ? null
                : of(cause, depth + 1);
        return new RedactedFailure(failure, redactedCause);
    }

    /** The original class name alone, so that a stack trace reads like the original's. */
    @Override
    public String toString() {
        return getMessage();
    }
}
