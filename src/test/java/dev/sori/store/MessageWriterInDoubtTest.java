package dev.sori.store;

import dev.sori.chat.Message;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection breaks while the commit is under way, so the writer cannot know from the commit
 * call whether the batch landed. It must find out, and report exactly that.
 */
class MessageWriterInDoubtTest {
    private final H2Backend backend = new H2Backend();
    private String room;
    private final AtomicInteger commitsToBreak = new AtomicInteger();
    private volatile boolean commitBeforeBreaking;
    private volatile boolean refuseConnections;
    private MessageWriter writer;

    @BeforeEach
    void setUp() {
        try (Storage s = Storage.open(backend.settings())) {
            room = s.rooms().create(new NewRoom("doubt", "in doubt", null, null, null)).id();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(backend.settings().effectiveJdbcUrl());
        h2.setUser("sa");
        h2.setPassword("");
        writer = new MessageWriter(breakingCommits(h2), Dialect.PORTABLE, Clock.systemUTC(), 100, 1000, "doubt-test");
        writer.start();
    }

    @AfterEach
    void tearDown() {
        writer.close();
        backend.close();
    }

    private List<CompletableFuture<Message>> appendFive() {
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(writer.submit(Message.draft(room, "a", "a", "#000000", "t" + i, null, null)).thenApply(dev.sori.chat.Appended::message));
        }
        return futures;
    }

    private long storedRows() throws SQLException {
        try (Connection c = backend.connect();
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM messages WHERE room_id = 'doubt'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aCommitThatLandedIsReportedAsStored() throws Exception {
        commitBeforeBreaking = true;
        commitsToBreak.set(1);
        List<Message> stored = appendFive().stream().map(CompletableFuture::join).toList();
        assertThat(stored).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(storedRows()).isEqualTo(5);
        assertThat(commitsToBreak.get()).isZero();
    }

    @Test
    void aCommitThatDidNotLandIsReportedAsFailedAndLeavesNoGap() throws Exception {
        commitBeforeBreaking = false;
        commitsToBreak.set(1);
        List<CompletableFuture<Message>> futures = appendFive();
        // The first batch is the broken one. Should the writer have split the five, later
        // batches commit normally, and must be numbered from 1 as if the lost one never was.
        assertThat(failure(futures.get(0))).isInstanceOf(StoreUnavailableException.class);
        List<Long> landed = new ArrayList<>();
        for (CompletableFuture<Message> f : futures) {
            Message stored = f.handle((m, e) -> m).join();
            if (stored == null) {
                assertThat(failure(f)).isInstanceOf(StoreUnavailableException.class);
            } else {
                landed.add(stored.seq());
            }
        }
        assertThat(landed).containsExactlyElementsOf(LongStream.rangeClosed(1, landed.size()).boxed().toList());
        assertThat(storedRows()).isEqualTo(landed.size());
        assertThat(writer.submit(Message.draft(room, "a", "a", "#000000", "again", null, null)).thenApply(dev.sori.chat.Appended::message).join().seq())
                .isEqualTo(landed.size() + 1);
    }

    @Test
    void whenEvenTheCheckFailsTheOutcomeIsReportedUnknown() throws Exception {
        commitBeforeBreaking = true;
        commitsToBreak.set(1);
        refuseConnections = true; // takes effect for the connection the check asks for
        List<CompletableFuture<Message>> futures = appendFive();
        // The first batch is the one in doubt; should the writer have split the five, the later
        // batches fail plainly, for want of a connection.
        assertThat(failure(futures.get(0))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("unknown");
        for (CompletableFuture<Message> f : futures) {
            assertThat(failure(f)).isInstanceOf(StoreUnavailableException.class);
        }
        assertThat(storedRows()).isPositive(); // it had landed: the reason the outcome is called unknown
    }

    /** A data source whose connections lose themselves during COMMIT, as often as told. */
    private DataSource breakingCommits(JdbcDataSource real) {
        AtomicInteger handedOut = new AtomicInteger();
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        if (refuseConnections && handedOut.get() > 0) {
                            throw new SQLNonTransientConnectionException("refused", "08001");
                        }
                        handedOut.incrementAndGet();
                        return breakingCommits(real.getConnection());
                    }
                    return invoke(method, real, args);
                });
    }

    private Connection breakingCommits(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit") && commitsToBreak.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        if (commitBeforeBreaking) {
                            real.commit();
                        } else {
                            real.rollback();
                        }
                        real.close();
                        throw new SQLNonTransientConnectionException("connection lost during commit", "08006");
                    }
                    return invoke(method, real, args);
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
