package dev.sori.store;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Whether the database answers, for readiness ({@code /readyz}): a pooled connection's
 * {@code isValid}, once a second on a thread of its own, from the first time anybody asks. Asking
 * reads the last answer and never waits on the database (but the very first ask, which waits for
 * the first answer up to {@link #PATIENCE}), so a flood of probes costs nothing and no chat or
 * HTTP worker thread ever hangs on a database that does not answer. A check that has not
 * finished within {@link #PATIENCE} counts as a failure while it lasts: a database that hangs
 * (a dead host, a blackholed link, a pool waiting for a connection) turns readiness off as surely
 * as one that refuses.
 */
final class DatabaseProbe implements AutoCloseable {
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration PATIENCE = Duration.ofSeconds(2);
    private static final int VALID_SECONDS = 1;
    private static final System.Logger LOG = System.getLogger(DatabaseProbe.class.getName());

    private final DataSource dataSource;
    private final String description;
    private final LongSupplier nanos;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    private volatile String problem = "not checked yet";
    /** When the check under way began (never 0), or 0 when none is. */
    private volatile long checkStarted;
    private volatile boolean closed;

    DatabaseProbe(DataSource dataSource, String description) {
        this(dataSource, description, System::nanoTime);
    }

    DatabaseProbe(DataSource dataSource, String description, LongSupplier nanos) {
        this.dataSource = dataSource;
        this.description = description;
        this.nanos = nanos;
        // Its thread starts with the first task: a store nobody asks about costs nothing.
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sori-database-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** Null when the database answered its last check (at most about a second ago); otherwise why not, one line. */
    String problem() {
        if (closed) {
            return "storage closed";
        }
        if (started.compareAndSet(false, true)) {
            try {
                thread.scheduleWithFixedDelay(this::check, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                return "storage closed";
            }
        }
        if (!firstAnswer.isDone()) {
            try {
                firstAnswer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // reported below as a check that takes too long
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!firstAnswer.isDone()) {
                return "the database has not answered within " + PATIENCE.toSeconds() + " s";
            }
        }
        long since = checkStarted;
        if (since != 0) {
            long waited = nanos.getAsLong() - since;
            if (waited > PATIENCE.toNanos()) {
                return "the database has not answered for " + TimeUnit.NANOSECONDS.toSeconds(waited) + " s";
            }
        }
        return problem;
    }

    private void check() {
        long now = nanos.getAsLong();
        checkStarted = now == 0 ? 1 : now;
        String result;
        try (Connection c = dataSource.getConnection()) {
            result = c.isValid(VALID_SECONDS) ? null : "the database did not answer within " + VALID_SECONDS + " s";
        } catch (SQLException | RuntimeException e) {
            // The class and SQLState only: a driver's message may quote the URL.
            String state = e instanceof SQLException sql && sql.getSQLState() != null ? " " + sql.getSQLState() : "";
            result = "cannot reach the database (" + e.getClass().getSimpleName() + state + ")";
        }
        String before = problem;
        problem = result;
        checkStarted = 0;
        if (!Objects.equals(before, result) && firstAnswer.isDone()) {
            if (result == null) {
                LOG.log(Level.INFO, "storage: {0} answers again: ready", description);
            } else {
                LOG.log(Level.WARNING, "storage: {0}: {1}: not ready", description, result);
            }
        }
        firstAnswer.complete(null);
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
