package dev.sori.server;

/** One line per log event on standard error, unless the user configured JUL themselves. */
final class Logging {
    private Logging() {
    }

    static void configure() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format",
                    "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
    }
}
