package dev.sori.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The settings tables of README.md (server.jar's options) and docs/deploy.md (the WAR's settings)
 * are {@link Settings} rendered. When a setting changes, regenerate them and review the diff:
 * <pre>mvn -o -q test -Dtest=SettingsTablesTest -Dsori.writeDocs=true</pre>
 */
class SettingsTablesTest {
    private static final String REGENERATE =
            "mvn -o -q test -Dtest=SettingsTablesTest -Dsori.writeDocs=true";

    static String readmeTable() {
        return table(List.of("option", "env", "default", "meaning"), Settings.JAR,
                s -> List.of(code(s.option()), code(s.environmentVariable()), defaultOf(s), s.doc()));
    }

    static String deployTable() {
        return table(List.of("system property", "environment variable", "default", "meaning"), Settings.WAR,
                s -> List.of(code(s.systemProperty()), code(s.environmentVariable()), defaultOf(s), s.doc()));
    }

    @Test
    void theReadmeOptionsTableIsServerJarsSettings() throws IOException {
        checkTable(Path.of("README.md"), readmeTable());
    }

    @Test
    void theDeployGuidesTableIsTheWarsSettings() throws IOException {
        checkTable(Path.of("docs", "deploy.md"), deployTable());
    }

    @Test
    void everySettingHasADistinctNameAndADocOfOneLine() {
        assertThat(Settings.ALL).extracting(Setting::name).doesNotHaveDuplicates();
        for (Setting<?> setting : Settings.ALL) {
            assertThat(setting.doc()).as(setting.name()).doesNotContain("\n", "|").isNotBlank()
                    .doesNotEndWith(".");
        }
    }

    private static String table(List<String> header, List<Setting<?>> settings,
                                Function<Setting<?>, List<String>> row) {
        StringBuilder out = new StringBuilder(line(header));
        out.append("|").append("---|".repeat(header.size())).append('\n');
        for (Setting<?> setting : settings) {
            out.append(line(row.apply(setting)));
        }
        return out.toString();
    }

    private static String line(List<String> cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static String code(String text) {
        return "`" + text + "`";
    }

    private static String defaultOf(Setting<?> setting) {
        return setting.defaultText() == null ? "–" : code(setting.defaultText());
    }

    /** Finds the table by its header line; with -Dsori.writeDocs=true rewrites it, else fails when it differs. */
    private static void checkTable(Path file, String expected) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String header = expected.substring(0, expected.indexOf('\n'));
        int start = lines.indexOf(header);
        assertThat(start).as("%s has no table starting with %s", file, header).isNotNegative();
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) {
            end++;
        }
        String actual = String.join("\n", lines.subList(start, end)) + "\n";
        if (actual.equals(expected)) {
            return;
        }
        if (Boolean.getBoolean("sori.writeDocs")) {
            List<String> rewritten = new ArrayList<>(lines.subList(0, start));
            rewritten.addAll(expected.lines().toList());
            rewritten.addAll(lines.subList(end, lines.size()));
            Files.write(file, rewritten, StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual).as("%s's settings table is not dev.sori.config.Settings; edit the settings there, then "
                + "regenerate the table with `%s` and review the diff", file, REGENERATE).isEqualTo(expected);
    }
}
