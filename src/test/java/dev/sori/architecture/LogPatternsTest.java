package dev.sori.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A log call with parameters formats its message with {@link java.text.MessageFormat}, where a
 * single apostrophe starts a quoted part: "the peer's address ({0})" logs as "the peers address
 * ({0})", the apostrophe gone and the parameter never filled in. Such messages must write it
 * twice ({@code peer''s}). Every {@code .log(Level.…, "…", …)} in the main sources is checked.
 */
class LogPatternsTest {
    private static final Pattern CALL = Pattern.compile("\\.log\\(\\s*(?:System\\.Logger\\.)?Level\\.\\w+\\s*,\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,");
    private static final Pattern LONE_APOSTROPHE = Pattern.compile("(?<!')'(?!')");

    @Test
    void messagesWithParametersDoubleTheirApostrophes() throws IOException {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = CALL.matcher(Files.readString(file));
                while (m.find()) {
                    calls++;
                    if (LONE_APOSTROPHE.matcher(m.group(1)).find()) {
                        wrong.add(file.getFileName() + ": \"" + m.group(1) + "\"");
                    }
                }
            }
        }
        assertThat(calls).as("log calls with parameters found").isGreaterThan(20);
        assertThat(wrong).isEmpty();
    }
}
