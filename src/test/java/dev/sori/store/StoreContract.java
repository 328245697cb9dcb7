package dev.sori.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The frame of the contract suites: one fresh database per test class (per test where the backend
 * makes one cheaply), stores opened per test, and clean-up of every store a test opened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StoreContract {
    // The pool's and Flyway's start-up lines, once per store, would drown the test output.
    private static final List<Logger> QUIET = Stream.of("com.zaxxer.hikari", "org.flywaydb")
            .map(Logger::getLogger).peek(l -> l.setLevel(Level.WARNING)).toList();

    Backend backend;
    private final List<Storage> opened = new ArrayList<>();

    abstract Backend createBackend();

    private String unavailable;

    @BeforeAll
    void createDatabase() {
        try {
            backend = createBackend();
        } catch (TestAbortedException e) {
            // Remembered and repeated per test, so that every test shows up as skipped, with the
            // reason, instead of the class silently running nothing.
            unavailable = e.getMessage();
            System.err.println(getClass().getSimpleName() + ": " + unavailable);
        }
    }

    @BeforeEach
    void requireDatabase() {
        if (unavailable != null) {
            Assumptions.abort(unavailable);
        }
        backend.freshDatabase();
    }

    @AfterAll
    void dropDatabase() {
        if (backend != null) {
            backend.close();
        }
    }

    @AfterEach
    void closeStores() {
        for (Storage s : opened) {
            s.close();
        }
        opened.clear();
    }

    Storage open() {
        return open(backend.settings(), Clock.systemUTC());
    }

    Storage open(StoreSettings settings, Clock clock) {
        Storage s = Storage.open(settings, clock);
        opened.add(s);
        return s;
    }

    /**
     * Another node on the same database, for the invariants cluster mode will rely on: on
     * PostgreSQL, without the single-process lock that a second {@link #open()} would meet.
     */
    Storage openAnotherNode() {
        Storage s = Storage.openAnotherNode(backend.settings(), Clock.systemUTC());
        opened.add(s);
        return s;
    }

    /** Closes {@code s} with the others after the test. */
    Storage track(Storage s) {
        opened.add(s);
        return s;
    }

    /** Closes a store the test opened, ahead of the clean-up. */
    void close(Storage s) {
        opened.remove(s);
        s.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String newRoom(Storage s) {
        return s.rooms().create(new NewRoom(unique("room"), "a room", null, null, null)).id();
    }
}
