package dev.sori.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Turns JDBC failures into store exceptions without leaking row data: PostgreSQL's and H2's
 * error texts can quote the values of the failing row (message text included), so only the
 * SQLState and the exception class are kept, and the original is attached as the cause only when
 * it is about the connection, whose text is about hosts and timeouts.
 */
final class SqlFailures {
    static final String UNIQUE_VIOLATION = "23505";
    /** PostgreSQL's, and H2's when a referencing row remains. */
    static final String FOREIGN_KEY_VIOLATION = "23503";
    /** H2's when the referenced row is missing. */
    static final String H2_MISSING_PARENT = "23506";

    private SqlFailures() {
    }

    static StoreUnavailableException unavailable(String what, SQLException e) {
        String text = what + " failed: " + describe(e);
        return isConnectionProblem(e) ? new StoreUnavailableException(text, e) : new StoreUnavailableException(text);
    }

    static String describe(SQLException e) {
        return e.getClass().getSimpleName() + " (SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
    }

    /** The connection broke or could not be had: nothing about the data. */
    static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || e instanceof SQLRecoverableException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }

    /**
     * Worth one immediate retry when it happened before the commit was sent: a pooled connection
     * that died while the database was away (the pool drops it), or a lock conflict the database
     * resolved by aborting us.
     */
    static boolean isRetryable(SQLException e) {
        String state = e.getSQLState();
        return isConnectionProblem(e) || "40001".equals(state) || "40P01".equals(state);
    }

    static boolean is(SQLException e, String state) {
        return state.equals(e.getSQLState());
    }

    /**
     * {@code state} on {@code e} or on an exception chained to it: a failed JDBC batch reports
     * the failing statement's state on its next exception or its cause, depending on the driver.
     */
    static boolean isAnywhere(SQLException e, String state) {
        Set<Throwable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Throwable> todo = new ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!visited.add(t)) {
                continue;
            }
            if (t instanceof SQLException sql) {
                if (state.equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() != null) {
                    todo.add(sql.getNextException());
                }
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
        }
        return false;
    }

    static boolean isMissingParent(SQLException e) {
        return is(e, FOREIGN_KEY_VIOLATION) || is(e, H2_MISSING_PARENT);
    }
}
