package dev.sori.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null
                || System.getProperty("java.util.logging.SimpleFormatter.format") != null) {
            return; // the user's configuration, or the JDK's with the user's line format
        }
        // The JDK's default configuration (INFO and up, to standard error), with Sori's line.
        String defaults = String.join("\n",
                "handlers = java.util.logging.ConsoleHandler",
                ".level = INFO",
                "java.util.logging.ConsoleHandler.level = INFO",
                "java.util.logging.ConsoleHandler.formatter = " + LogLineFormatter.class.getName());
        try {
            LogManager.getLogManager().readConfiguration(
                    new ByteArrayInputStream(defaults.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from memory
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
