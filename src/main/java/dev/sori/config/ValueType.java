package dev.sori.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import dev.sori.websocket.TrustedProxies;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * What a setting's text means: how it is parsed and bounded, and how a value is written back (for
 * the documented default). The bounds are checked here and nowhere else; cross-setting rules
 * (the ping timeout longer than the interval, say) stay with the settings records.
 *
 * @param paramLabel what {@code --help} shows after the option, e.g. {@code N} or {@code SECONDS}
 * @param parser     the text (stripped, never blank) to the value; throws
 *                   {@link IllegalArgumentException} with the problem, e.g. "must be positive"
 * @param formatter  a value back to the text that would give it
 */
public record ValueType<T>(String paramLabel, Function<String, T> parser, Function<T, String> formatter) {

    public T parse(String text) {
        return parser.apply(text);
    }

    public String format(T value) {
        return formatter.apply(value);
    }

    public static ValueType<String> text(String paramLabel) {
        return new ValueType<>(paramLabel, Function.identity(), Function.identity());
    }

    public static ValueType<Path> path(String paramLabel) {
        return new ValueType<>(paramLabel, text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("is not a valid path");
            }
        }, Path::toString);
    }

    public static ValueType<Integer> integer(String paramLabel, int min, int max) {
        return new ValueType<>(paramLabel, text -> (int) wholeNumber(text, min, max), String::valueOf);
    }

    public static ValueType<Long> longInteger(String paramLabel, long min, long max) {
        return new ValueType<>(paramLabel, text -> wholeNumber(text, min, max), String::valueOf);
    }

    /**
     * Comma-separated IP addresses and CIDR ranges, IPv4 and IPv6; refused at start-up with the
     * entry that is neither (a name, a prefix out of range, bits set past the prefix).
     */
    public static ValueType<TrustedProxies> cidrs(String paramLabel) {
        return new ValueType<>(paramLabel, TrustedProxies::parse, TrustedProxies::toString);
    }

    /** Whole seconds. */
    public static ValueType<Duration> seconds(long min, long max) {
        return new ValueType<>("SECONDS", text -> Duration.ofSeconds(wholeNumber(text, min, max)),
                duration -> Long.toString(duration.toSeconds()));
    }

    /** Seconds, to the millisecond ({@code 0.5}); at least one millisecond. */
    public static ValueType<Duration> decimalSeconds(long maxSeconds) {
        return new ValueType<>("SECONDS", text -> {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a number of seconds");
            }
            if (seconds.compareTo(new BigDecimal("0.001")) < 0) {
                throw new IllegalArgumentException("must be at least 0.001");
            }
            if (seconds.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
                throw tooLarge(maxSeconds);
            }
            return Duration.ofMillis(seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact());
        }, duration -> BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString());
    }

    private static long wholeNumber(String text, long min, long max) {
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            if (!text.matches("[-+]?\\d+")) {
                throw new IllegalArgumentException("must be a whole number");
            }
            throw text.startsWith("-") ? tooSmall(min) : tooLarge(max); // beyond a long, and so beyond the bounds
        }
        if (value < min) {
            throw tooSmall(min);
        }
        if (value > max) {
            throw tooLarge(max);
        }
        return value;
    }

    private static IllegalArgumentException tooSmall(long min) {
        return new IllegalArgumentException(min == 1 ? "must be positive" : "must be at least " + min);
    }

    private static IllegalArgumentException tooLarge(long max) {
        return new IllegalArgumentException("is too large (at most " + max + ")");
    }
}
