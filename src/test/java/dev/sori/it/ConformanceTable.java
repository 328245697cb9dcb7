package dev.sori.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Collects the outcome of every {@link Conformance} test of a class and, when the tests run with
 * {@code -Dsori.writeDocs=true}, writes the conformance table of docs/security.md from them
 * (between its {@code conformance:begin} and {@code conformance:end} markers): a row's answer is
 * "✓" only if every invocation of its test passed in this run, else "✗". Without the property it
 * writes nothing, so an ordinary run never touches the docs.
 *
 * <pre>mvn verify -Dit.test=FramingIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -DskipWarTests -Dsori.writeDocs=true</pre>
 */
final class ConformanceTable implements TestWatcher, AfterAllCallback {
    private static final Path DOC = Path.of("docs", "security.md");
    private static final String BEGIN = "<!-- conformance:begin";
    private static final String END = "<!-- conformance:end -->";

    /** Per test method: invocations passed and run. */
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
        if (!Boolean.getBoolean("sori.writeDocs")) {
            return;
        }
        StringBuilder table = new StringBuilder();
        table.append("| Autobahn section | case (RFC 6455 section) | `server.jar` answers | result | test |\n");
        table.append("|---|---|---|---|---|\n");
        outcomes.entrySet().stream()
                .sorted(Comparator.<Map.Entry<Method, int[]>, String>comparing(e -> group(e.getKey()))
                        .thenComparing(e -> e.getKey().getName()))
                .forEach(e -> {
                    Conformance c = e.getKey().getAnnotation(Conformance.class);
                    int[] counts = e.getValue();
                    String result = counts[0] == counts[1] ? "✓" : "✗ (" + (counts[1] - counts[0]) + " of " + counts[1] + " failed)";
                    table.append("| ").append(c.group()).append(" | ").append(c.rule()).append(" | ").append(c.answer())
                            .append(" | ").append(result).append(counts[1] > 1 ? " (" + counts[1] + " variants)" : "")
                            .append(" | `").append(e.getKey().getDeclaringClass().getSimpleName()).append('#')
                            .append(e.getKey().getName()).append("` |\n");
                });
        try {
            String doc = Files.readString(DOC, StandardCharsets.UTF_8);
            int begin = doc.indexOf(BEGIN);
            int end = doc.indexOf(END);
            if (begin < 0 || end < begin) {
                throw new IllegalStateException("docs/security.md has no conformance markers");
            }
            int afterBegin = doc.indexOf('\n', begin) + 1;
            Files.writeString(DOC, doc.substring(0, afterBegin) + table + doc.substring(end), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String group(Method m) {
        return m.getAnnotation(Conformance.class).group();
    }
}
