package dev.sori.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The standalone server's log line: {@code 2026-11-21 13:19:25.305 INFO    dev.sori.chat.Hub: connect sid=…},
 * the same text {@link java.util.logging.SimpleFormatter} writes with the format
 * {@value #EQUIVALENT_FORMAT}, and a stack trace on the lines after it.
 *
 * <p>It exists for speed: every connect and disconnect logs a line, and {@code SimpleFormatter}
 * runs {@code String.format} on every record and parses each message's {@code {0}} pattern
 * afresh; together a tenth of a handshake's CPU (docs/benchmarks.md, step 5). Here the timestamp
 * goes through one shared {@link DateTimeFormatter} and each thread keeps the patterns it has
 * parsed ({@link MessageFormat} is not thread-safe, and the server logs a few dozen patterns).
 */
public final class LogLineFormatter extends Formatter {
    /** What {@code SimpleFormatter} would need to write the same lines. */
    static final String EQUIVALENT_FORMAT = "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");
    private static final int MAX_PATTERNS_PER_THREAD = 256;
    private static final ThreadLocal<Map<String, MessageFormat>> PATTERNS = ThreadLocal.withInitial(HashMap::new);

    private final ZoneId zone = ZoneId.systemDefault();

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant().atZone(zone), line);
        line.append(' ');
        String level = record.getLevel().getLocalizedName();
        line.append(level);
        for (int pad = level.length(); pad < 7; pad++) {
            line.append(' ');
        }
        line.append(' ').append(record.getLoggerName()).append(": ").append(formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter out = new PrintWriter(trace)) {
                out.println();
                record.getThrown().printStackTrace(out);
            }
            line.append(trace);
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** As {@link Formatter#formatMessage}, with each thread's parsed patterns kept. */
    @Override
    public String formatMessage(LogRecord record) {
        Object[] parameters = record.getParameters();
        String pattern = record.getMessage();
        if (record.getResourceBundle() != null || pattern == null || parameters == null || parameters.length == 0) {
            return super.formatMessage(record);
        }
        // The JDK's test for "is this a MessageFormat pattern", kept so that the same records
        // give the same text.
        if (!(pattern.contains("{0") || pattern.contains("{1") || pattern.contains("{2") || pattern.contains("{3"))) {
            return pattern;
        }
        Map<String, MessageFormat> parsed = PATTERNS.get();
        MessageFormat format = parsed.get(pattern);
        if (format == null) {
            try {
                format = new MessageFormat(pattern);
            } catch (IllegalArgumentException e) {
                return pattern; // what the JDK's formatMessage does with a broken pattern
            }
            if (parsed.size() >= MAX_PATTERNS_PER_THREAD) {
                parsed.clear(); // patterns built from variable text must not grow without bound
            }
            parsed.put(pattern, format);
        }
        try {
            return format.format(parameters);
        } catch (IllegalArgumentException e) {
            return pattern;
        }
    }
}
