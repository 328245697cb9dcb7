package dev.sori.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Writes the conformance table of docs/security.md (between its {@code conformance:begin} and
 * {@code conformance:end} markers) from what each target answered to the {@link FramingCases},
 * when they run with {@code -Dsori.writeDocs=true}; without the property it writes nothing, so an
 * ordinary run never touches the docs.
 *
 * <p>One row per case, one column per target ({@link #COLUMNS}). A run fills the column of the
 * target it ran and keeps the others as the table had them, so the three targets can be run
 * apart. A cell is "✓" when the target gave the answer the case asks for, else the answer it gave
 * (a strict target, {@code server.jar}, then also failed the case: "✗ …"); "✗ test failed" when a
 * case broke before it had an answer (e.g. the bystander stopped chatting).
 *
 * <pre>mvn verify -Dit.test='FramingIT,PayaraFramingIT,WildFlyFramingIT' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -DskipBrowserTests -Dsori.writeDocs=true</pre>
 */
public final class ConformanceTable implements TestWatcher, AfterAllCallback {
    public static final String JAR = "`server.jar`";
    public static final String PAYARA = "Payara Micro 6";
    public static final String WILDFLY = "WildFly 39";
    static final List<String> COLUMNS = List.of(JAR, PAYARA, WILDFLY);

    private static final Path DOC = Path.of("docs", "security.md");
    private static final String BEGIN = "<!-- conformance:begin";
    private static final String END = "<!-- conformance:end -->";
    private static final String NOT_RUN = "not run";

    /** Per case: invocations passed and run. */
    private final Map<Method, int[]> outcomes = new ConcurrentHashMap<>();

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, true);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, false);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, false);
    }

    private void record(ExtensionContext context, boolean passed) {
        Optional<Method> method = context.getTestMethod();
        if (method.isPresent() && method.get().isAnnotationPresent(Conformance.class)) {
            int[] counts = outcomes.computeIfAbsent(method.get(), m -> new int[2]);
            synchronized (counts) {
                counts[0] += passed ? 1 : 0;
                counts[1]++;
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!Boolean.getBoolean("sori.writeDocs") || outcomes.isEmpty()) {
            return;
        }
        FramingCases target = (FramingCases) context.getRequiredTestInstance();
        String column = target.columnName();
        if (!COLUMNS.contains(column)) {
            throw new IllegalStateException("no column " + column + " in " + COLUMNS);
        }
        try {
            String doc = Files.readString(DOC, StandardCharsets.UTF_8);
            int begin = doc.indexOf(BEGIN);
            int end = doc.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException("docs/security.md has no conformance markers");
            }
            int afterBegin = doc.indexOf('\n', begin) + 1;
            Map<String, Map<String, String>> kept = parse(doc.substring(afterBegin, end));
            String table = table(column, cells(target), kept);
            Files.writeString(DOC, doc.substring(0, afterBegin) + table + doc.substring(end), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This run's cell of every case. */
    private Map<String, String> cells(FramingCases target) {
        Map<String, String> cells = new HashMap<>();
        outcomes.forEach((method, counts) -> {
            Conformance c = method.getAnnotation(Conformance.class);
            Map<String, String> answers = target.answers().getOrDefault(method, Map.of());
            int failed = counts[1] - counts[0];
            String cell;
            if (answers.size() < counts[1]) {
                cell = "✗ test failed";
            } else {
                Set<String> distinct = new LinkedHashSet<>(answers.values());
                if (distinct.size() == 1) {
                    String answer = distinct.iterator().next();
                    cell = answer.equals(c.answer()) ? "✓" : answer;
                } else {
                    List<String> each = new ArrayList<>();
                    answers.forEach((variant, answer) -> each.add(variant + ": " + (answer.equals(c.answer()) ? "✓" : answer)));
                    cell = String.join("; ", each);
                }
                if (failed > 0) {
                    cell = "✗ " + cell;
                }
            }
            if (counts[1] > 1 && !cell.contains(": ")) {
                cell += " (" + counts[1] + " variants)";
            }
            cells.put(key(method), cell);
        });
        return cells;
    }

    private String table(String column, Map<String, String> fresh, Map<String, Map<String, String>> kept) {
        StringBuilder table = new StringBuilder();
        table.append("| Autobahn section | case (RFC 6455 section) | RFC 6455 asks |");
        COLUMNS.forEach(c -> table.append(' ').append(c).append(" |"));
        table.append(" test |\n|---|---|---|");
        COLUMNS.forEach(c -> table.append("---|"));
        table.append("---|\n");
        Arrays.stream(FramingCases.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Conformance.class))
                .sorted(Comparator.<Method, String>comparing(m -> m.getAnnotation(Conformance.class).group())
                        .thenComparing(Method::getName))
                .forEach(m -> {
                    Conformance c = m.getAnnotation(Conformance.class);
                    table.append("| ").append(c.group()).append(" | ").append(c.rule()).append(" | ").append(c.answer()).append(" |");
                    for (String col : COLUMNS) {
                        String cell = col.equals(column) ? fresh.getOrDefault(key(m), NOT_RUN)
                                : kept.getOrDefault(key(m), Map.of()).getOrDefault(col, NOT_RUN);
                        table.append(' ').append(cell).append(" |");
                    }
                    table.append(" `").append(key(m)).append("` |\n");
                });
        return table.toString();
    }

    /** The table as it stands: per case (its test), per column, the cell. */
    private static Map<String, Map<String, String>> parse(String table) {
        Map<String, Map<String, String>> rows = new HashMap<>();
        List<String> header = null;
        for (String line : table.lines().toList()) {
            if (!line.startsWith("|") || line.startsWith("|---")) {
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split(" \\| ", -1))
                    .map(String::strip).toList();
            if (header == null) {
                header = cells;
                continue;
            }
            if (cells.size() != header.size()) {
                continue;
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < cells.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            rows.put(cells.get(cells.size() - 1).replace("`", ""), row);
        }
        return rows;
    }

    private static String key(Method m) {
        return "FramingCases#" + m.getName();
    }
}
