package dev.sori.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Embedded H2 file databases in a temporary directory, as a fresh install would have: a new one per test. */
final class H2Backend extends Backend {
    private final Path root;
    private Path dataDir;
    private int databases;

    H2Backend() {
        try {
            root = Files.createTempDirectory("sori-store-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        freshDatabase();
    }

    /** A new directory per test: an H2 database is a file, so a fresh one costs nothing. */
    @Override
    void freshDatabase() {
        dataDir = root.resolve("db-" + ++databases);
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    String name() {
        return "H2";
    }

    @Override
    StoreSettings settings() {
        return StoreSettings.h2(dataDir).withPoolSize(4);
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
