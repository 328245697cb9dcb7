package dev.sori.server;

import dev.sori.store.StoreException;
import java.sql.SQLException;
import picocli.CommandLine;

/**
 * How {@code java -jar server.jar} reports storage that cannot start (the database unreachable,
 * or used by another Sori process) and an address it cannot listen on (the port taken): one line
 * on standard error and exit code 2, like a bad keystore, for the operator has something to fix.
 * Anything else keeps picocli's default, the stack trace and exit code 1: that is a bug to report.
 */
final class StartupFailures implements CommandLine.IExecutionExceptionHandler {
    static final int EXIT_CODE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof CannotListenException failure) {
            System.err.println("sori: " + failure.getMessage());
            return EXIT_CODE;
        }
        if (!(e instanceof StoreException failure)) {
            throw e;
        }
        System.err.println("sori: " + oneLine(failure));
        return EXIT_CODE;
    }

    /**
     * The message, and the driver's own words when the cause is attached: a store exception
     * carries its cause only when it is about connecting (hosts, ports, credentials refused), never
     * row data.
     */
    static String oneLine(StoreException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                return e.getMessage() + ": " + t.getMessage().replace('\n', ' ');
            }
        }
        return e.getMessage();
    }
}
