package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

class LogLineFormatterTest {

    /** SimpleFormatter with the format LogLineFormatter stands in for. */
    private static SimpleFormatter reference() {
        String key = "java.util.logging.SimpleFormatter.format";
        String before = System.getProperty(key);
        System.setProperty(key, LogLineFormatter.EQUIVALENT_FORMAT);
        try {
            return new SimpleFormatter(); // reads the format when made
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    private static LogRecord record(Level level, String message, Object... parameters) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.sori.chat.Hub");
        r.setParameters(parameters.length == 0 ? null : parameters);
        return r;
    }

    @Test
    void writesTheSameLinesAsSimpleFormatterWithTheSameFormat() {
        SimpleFormatter simple = reference();
        LogLineFormatter fast = new LogLineFormatter();
        LogRecord failed = record(Level.SEVERE, "internal error sid={0}", "abc");
        failed.setThrown(new IOException("disk gone"));
        List<LogRecord> records = List.of(
                record(Level.INFO, "connect sid={0} identity={1} resumed={2} connections={3}", "s1", "01M7", false, 12_345),
                record(Level.INFO, "rate limited sid={0}: refusing frames over {1,number,#}/s (burst {2,number,#})", "s2", 20, 40),
                record(Level.WARNING, "plain text, no parameters"),
                record(Level.INFO, "has parameters but no pattern", "ignored"),
                record(Level.INFO, "a broken pattern {0", "x"),
                record(Level.FINE, "fine {0}", "y"),
                failed);
        for (LogRecord r : records) {
            assertThat(fast.format(r)).as(r.getMessage()).isEqualTo(simple.format(r));
        }
        // A second time, from the patterns this thread has kept.
        for (LogRecord r : records) {
            assertThat(fast.format(r)).as(r.getMessage()).isEqualTo(simple.format(r));
        }
    }

    @Test
    void theLineIsOneLineWithTheTimestampLevelAndLogger() {
        String line = new LogLineFormatter().format(record(Level.INFO, "disconnect sid={0} code={1}", "s9", 1000));
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO    dev\\.sori\\.chat\\.Hub: "
                + "disconnect sid=s9 code=1,000\\R");
    }
}
