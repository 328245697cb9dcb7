package dev.sori.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** An embedded H2 file database in a temporary data directory, as a fresh install would have. */
final class H2Backend extends Backend {
    private final Path dataDir;

    H2Backend() {
        try {
            dataDir = Files.createTempDirectory("sori-store-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
