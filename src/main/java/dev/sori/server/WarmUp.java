package dev.sori.server;

import dev.sori.Version;
import dev.sori.bootstrap.ChatNode;
import dev.sori.chat.ChatSettings;
import dev.sori.http.Routes;
import dev.sori.store.Storage;
import dev.sori.store.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocketFactory;

/**
 * Runs the chat's hot paths before the real listener opens, so that a fresh server's first users
 * meet compiled code instead of the interpreter, with the JIT competing for both cores (issue 19:
 * a fresh JVM did a third of the handshakes a warm one does).
 *
 * <p>The warm-up runs on a twin: a whole chat (hub, storage, listener) of its own, on a loopback
 * port of its own and a database in a temporary directory, deleted afterwards. Nothing it does
 * (identities, messages, log lines) reaches the real chat, which starts after it. The
 * classes and their compiled code are the JVM's, so they are shared with the real server. A
 * {@link WarmUpClient} per thread does what a fresh server's first clients do: handshake (new, or
 * resuming an identity with its token), read {@code welcome}, post to {@code general} and read the
 * ack, close.
 *
 * <p>It is bounded by time, not by a count, and never fails the start: whatever goes wrong ends
 * the warm-up early with one WARNING line, and the real server starts as it would have.
 */
final class WarmUp {
    private static final System.Logger LOG = System.getLogger(WarmUp.class.getName());
    /** Two per core: a handshake waits for the twin's identity commit, so one client per core leaves it idle. */
    private static final int CLIENTS = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());

    /** What the warm-up did, for its log line. */
    private record Done(long handshakes, long resumed, long messages, Duration took) {
    }

    private WarmUp() {
    }

    /**
     * Warms up for {@code budget} (zero: not at all), with the real chat's settings and its TLS
     * keystore (null: plain), and logs what it did.
     */
    static void run(Duration budget, ChatSettings chat, TlsKeystore tls) {
        if (budget.isZero()) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "warming up for {0} s before listening (--warm-up 0 skips it)",
                Long.toString(budget.toSeconds()));
        long started = System.nanoTime();
        Path dir = null;
        Thread cleanup = null;
        // The twin's lines (its storage, its schema, a line per connection) are about a chat nobody
        // will see: they are formatted, as the real server's will be, and thrown away.
        Logger root = Logger.getLogger("");
        Handler[] handlers = root.getHandlers();
        Handler sink = new FormattingSink(handlers.length > 0 ? handlers[0].getFormatter() : new SimpleFormatter());
        for (Handler h : handlers) {
            root.removeHandler(h);
        }
        root.addHandler(sink);
        Exception failure = null;
        Done done = null;
        try {
            dir = Files.createTempDirectory("sori-warm-up-");
            Path data = dir;
            cleanup = new Thread(() -> delete(data), "sori-warm-up-cleanup"); // stopped while warming up
            Runtime.getRuntime().addShutdownHook(cleanup);
            // The user's settings but the abuse limits: four clients on one address, as fast as they go.
            ChatNode twin = ChatNode.start(chat.withoutAbuseLimits(), null, shared -> Storage.open(StoreSettings.h2(data)),
                    StoreSettings.DEFAULT_POOL_SIZE - 1, Version.get());
            try (AutoCloseable closeNode = twin::close;
                 StandaloneServer server = StandaloneServer.start("127.0.0.1", 0, twin.hub(),
                         EdgeSettings.defaults().withTls(tls), Routes.standard(twin.hub(), Version.get()))) {
                SSLSocketFactory clientTls = tls == null ? null : tls.trustingItself().getSocketFactory();
                AtomicLong handshakes = new AtomicLong();
                AtomicLong resumed = new AtomicLong();
                AtomicLong messages = new AtomicLong();
                AtomicReference<Exception> clientFailure = new AtomicReference<>();
                long deadline = started + budget.toNanos();
                List<Thread> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    WarmUpClient client = new WarmUpClient(server.address(), clientTls);
                    Thread t = new Thread(() -> {
                        try {
                            client.runUntil(deadline, handshakes, resumed, messages);
                        } catch (IOException | RuntimeException e) {
                            clientFailure.compareAndSet(null, e); // this client stops; the others go on
                        }
                    }, "sori-warm-up-" + i);
                    t.setDaemon(true);
                    t.start();
                    clients.add(t);
                }
                for (Thread t : clients) {
                    t.join();
                }
                failure = clientFailure.get();
                done = new Done(handshakes.get(), resumed.get(), messages.get(),
                        Duration.ofNanos(System.nanoTime() - started));
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = e;
        } finally {
            root.removeHandler(sink);
            for (Handler h : handlers) {
                root.addHandler(h);
            }
            if (failure != null) {
                LOG.log(System.Logger.Level.WARNING, "warm-up cut short: {0}", failure.toString());
            }
            if (done != null) {
                LOG.log(System.Logger.Level.INFO, "warmed up in {0} ms: {1} handshakes ({2} resumed), {3} messages",
                        Long.toString(done.took().toMillis()), Long.toString(done.handshakes()),
                        Long.toString(done.resumed()), Long.toString(done.messages()));
            }
            delete(dir);
            if (cleanup != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // shutting down already: the hook deletes what is left
                }
            }
        }
    }

    /** Formats every record as the console would, and writes nothing. */
    private static final class FormattingSink extends Handler {
        FormattingSink(Formatter formatter) {
            setFormatter(formatter);
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                getFormatter().format(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "warm-up: could not delete {0}: {1}", dir, e.toString());
        }
    }
}
