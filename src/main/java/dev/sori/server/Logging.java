package dev.sori.server;

import java.util.logging.LogManager;

/** One line per log event on standard error, unless the user configured JUL themselves. */
final class Logging {
    private Logging() {
    }

    /**
     * Must run before anything logs: {@link Main}'s static initialiser calls it first, because
     * the log manager is chosen once, when the first logger is made.
     */
    static void configure() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownLastLogManager.class.getName());
        }
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
    }

    /**
     * JUL's own shutdown hook resets the log manager, closing every handler, while Sori's hook is
     * still closing sessions and storage: "shutting down" and everything after it was lost. This
     * manager ignores the reset that comes from that hook (handlers flush on every record, so
     * nothing is left unwritten when the JVM halts); an explicit reset by the user still works.
     */
    public static final class ShutdownLastLogManager extends LogManager {
        @Override
        public void reset() {
            if (Thread.currentThread().getClass().getName().startsWith("java.util.logging.LogManager$Cleaner")) {
                return;
            }
            super.reset();
        }
    }
}
