package dev.sori.store;

import dev.sori.chat.Appended;
import dev.sori.chat.Media;
import dev.sori.chat.Message;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.sql.DataSource;

/**
 * Group commit: one thread takes whatever appends are queued (up to the batch size), allocates
 * each room's seqs and inserts the messages in one transaction, and hands the outcome to one
 * delivery thread, which calls the {@link CommitListener}s and completes the futures in commit
 * order (several outcomes in one run when delivery is behind). While a transaction is in flight
 * the next batch accumulates, so the busier the room, the bigger the batches and the fewer the
 * commits per message.
 *
 * <p>A permit per accepted append, returned only when its future completes, bounds the memory of
 * everything in flight, the delivery backlog included.
 */
final class MessageWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MessageWriter.class.getName());
    private static final long IDLE_POLL_MILLIS = 50;
    /** Messages per delivery run, at most (a run may pass it by one transaction's batch). */
    static final int MAX_RUN = 1024;
    static final long LINGER_GAP_NANOS = Long.getLong("sori.store.lingerGapMicros", 200) * 1000;
    static final long LINGER_MAX_NANOS = Long.getLong("sori.store.lingerMaxMicros", 2000) * 1000;
    private static final String INSERT = "INSERT INTO messages (room_id, seq, author_id, nick, color, body, ts, cid,"
            + " bot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** A message with an image: its description too (rare: text messages keep the shorter insert). */
    private static final String INSERT_WITH_MEDIA = "INSERT INTO messages (room_id, seq, author_id, nick, color, body,"
            + " ts, cid, bot, media_id, media_type, media_width, media_height, media_bytes)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_MEDIA_POST = "INSERT INTO media_posts (media_id, room_id, seq) VALUES (?, ?, ?)";
    /** From now on the image lives as long as a message carries it (see V4__media.sql). */
    private static final String MEDIA_POSTED = "UPDATE media SET posted = TRUE WHERE id = ? AND posted = FALSE";
    private static final String INSERT_CID = "INSERT INTO message_cids (author_id, cid, room_id, seq, created_at)"
            + " VALUES (?, ?, ?, ?, ?)";
    private static final String FIND_CID = "SELECT c.created_at, " + prefixed("m.", JdbcMessageStore.COLUMNS)
            + " FROM message_cids c JOIN messages m ON m.room_id = c.room_id AND m.seq = c.seq"
            + " WHERE c.author_id = ? AND c.cid = ?";
    /** How long an author's {@code cid} is remembered (protocol 1.1, "Posting exactly once"). */
    static final long CID_MEMORY_MILLIS = 24 * 60 * 60 * 1000L;
    /** How often the writer forgets the cids past their memory, in the transaction of a batch that has some. */
    static final long CID_PRUNE_MILLIS = 60 * 60 * 1000L;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Clock clock;
    private final int batchSize;
    private final int capacity;
    private final Semaphore permits;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    // Appends take the read side to check "closed" and enqueue atomically; close() takes the
    // write side, after which nothing can be enqueued that the writer would not drain.
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final Thread writer;
    private final ExecutorService delivery;
    /** Outcomes committed and not yet delivered, in commit order. */
    private final Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();
    private final List<MessageStore.TransactionListener> transactionListeners = new CopyOnWriteArrayList<>();

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile int largestBatch; // written by the writer thread only
    private boolean failing; // writer thread only: log outages once, not once per batch
    private long commitNanos; // writer thread only: a moving average of what a batch costs
    private long cidsPrunedAt; // writer thread only: clock millis

    private record Pending(Message message, CompletableFuture<Appended> future) {
    }

    /** A pending draft and what it became: stored now, or the earlier message of the same cid. */
    private record Assigned(Pending pending, Message stored, boolean duplicate) {
    }

    /** What became of a batch: stored (or known), refused for want of a room, or failed as a whole. */
    private record Outcome(List<Assigned> stored, List<Pending> noRoom, List<Pending> failed, StoreException failure) {
        static Outcome failed(List<Pending> batch, StoreException failure) {
            return new Outcome(List.of(), List.of(), List.copyOf(batch), failure);
        }
    }

    /** The commit was sent and the connection broke before the answer: it may have landed. */
    private static final class InDoubtCommit extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Outcome ifCommitted;

        InDoubtCommit(Outcome ifCommitted, SQLException cause) {
            super(cause);
            this.ifCommitted = ifCommitted;
        }
    }

    MessageWriter(DataSource dataSource, Dialect dialect, Clock clock, int batchSize, int capacity, String name) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.clock = clock;
        this.batchSize = batchSize;
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
        this.delivery = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-delivery"));
        this.writer = daemon(this::run, name + "-writer");
    }

    void start() {
        writer.start();
    }

    private static Thread daemon(Runnable r, String name) {
        // Daemon, so a forgotten close() cannot keep the JVM alive; acknowledged messages are
        // committed already, so exiting without close() loses only unacknowledged ones.
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    void addListener(CommitListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void addTransactionListener(MessageStore.TransactionListener listener) {
        transactionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    CompletableFuture<Appended> submit(Message message) {
        validate(message);
        CompletableFuture<Appended> future = new CompletableFuture<>();
        Lock lock = admission.readLock();
        lock.lock();
        try {
            if (closed) {
                rejected.incrementAndGet();
                future.completeExceptionally(new StoreUnavailableException("message store is closed"));
            } else if (!permits.tryAcquire()) {
                rejected.incrementAndGet();
                future.completeExceptionally(new StoreUnavailableException(
                        "message queue is full (" + capacity + " appends pending)"));
            } else {
                queue.add(new Pending(message, future));
            }
        } finally {
            lock.unlock();
        }
        return future;
    }

    private static void validate(Message m) {
        Objects.requireNonNull(m, "message");
        Columns.requireText("room", m.room(), Columns.MAX_ID_CHARS);
        if (m.authorId() != null) {
            Columns.requireText("authorId", m.authorId(), Columns.MAX_ID_CHARS);
        }
        Columns.requireText("nick", m.nick(), Columns.MAX_NICK_CHARS);
        Columns.requireText("color", m.color(), Columns.MAX_COLOR_CHARS);
        if (m.media() == null) {
            Columns.requireText("text", m.text(), Columns.MAX_TEXT_CHARS);
        } else { // a caption may be empty
            Columns.requireText("text", m.text().isEmpty() ? " " : m.text(), Columns.MAX_TEXT_CHARS);
            Columns.requireText("media", m.media().id(), Columns.MAX_ID_CHARS);
        }
        if (m.cid() != null) {
            Columns.requireText("cid", m.cid(), Columns.MAX_CID_CHARS);
        }
    }

    private static String prefixed(String prefix, String columns) {
        return prefix + columns.replace(", ", ", " + prefix);
    }

    WriterStats stats() {
        return new WriterStats(transactions.get(), committed.get(), failed.get(), rejected.get(), largestBatch,
                capacity - permits.availablePermits());
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (true) {
            Pending first;
            try {
                first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // Nobody is meant to interrupt the writer; dropping out would strand accepted appends.
                continue;
            }
            if (first == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, batchSize - 1);
            linger(batch);
            Outcome outcome;
            long started = System.nanoTime();
            try {
                outcome = write(batch);
                long took = System.nanoTime() - started;
                commitNanos = (commitNanos * 3 + took) / 4;
                heard(outcome, took);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "message writer: unexpected " + e.getClass().getName() + " storing a batch");
                outcome = Outcome.failed(batch, new StoreUnavailableException("message writer failed unexpectedly"));
            }
            deliver(outcome);
            batch.clear();
            if (closed && outcome.failure() != null) {
                failRemaining(outcome.failure());
            }
        }
    }

    /**
     * Waits a moment for stragglers while they keep coming. Without it, producers that wait for
     * their ack before sending again split into two groups that alternate (one committing while
     * the other re-queues), and every transaction carries half of them. The wait is a fraction of
     * what a commit has been costing (nothing to gain on a fast disk, up to 2 ms on a slow fsync),
     * and a short quiet gap ends it, so a lone message is hardly delayed.
     */
    private void linger(List<Pending> batch) {
        long budget = Math.min(LINGER_MAX_NANOS, commitNanos / 2);
        long gap = Math.min(LINGER_GAP_NANOS, budget);
        long deadline = System.nanoTime() + budget;
        while (batch.size() < batchSize && gap > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Pending next;
            try {
                next = queue.poll(Math.min(gap, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, batchSize - batch.size());
        }
    }

    private void heard(Outcome outcome, long nanos) {
        if (transactionListeners.isEmpty()) {
            return;
        }
        int stored = 0;
        for (Assigned a : outcome.stored()) {
            stored += a.duplicate() ? 0 : 1;
        }
        if (stored == 0) {
            return;
        }
        for (MessageStore.TransactionListener listener : transactionListeners) {
            try {
                listener.committed(stored, nanos);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "transaction listener threw " + e.getClass().getName());
            }
        }
    }

    // Shutting down with the database away: fail the rest now rather than wait out a
    // connection timeout for every remaining batch.
    private void failRemaining(StoreException failure) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            deliver(Outcome.failed(rest, failure));
        }
    }

    private Outcome write(List<Pending> batch) {
        long now = clock.millis();
        SQLException last = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                Outcome outcome = attempt(batch, now);
                recovered();
                return outcome;
            } catch (InDoubtCommit e) {
                return resolveInDoubt(batch, e);
            } catch (SQLException e) {
                last = e;
                // Not when the pool itself timed out: the database is away, and a second wait
                // would only double the time until the senders hear so. A unique violation is
                // another node storing the same author's cid at the same moment: the retry finds
                // that message and answers with it, as a duplicate.
                boolean sameCidElsewhere = SqlFailures.isAnywhere(e, SqlFailures.UNIQUE_VIOLATION);
                if (!(SqlFailures.isRetryable(e) || sameCidElsewhere) || e instanceof SQLTransientConnectionException) {
                    break;
                }
            }
        }
        StoreUnavailableException failure = SqlFailures.unavailable("storing messages", last);
        noteFailure(failure);
        return Outcome.failed(batch, failure);
    }

    private Outcome attempt(List<Pending> batch, long now) throws SQLException, InDoubtCommit {
        // Sorted by room: every node locks room rows in the same order, so two nodes' batches
        // that share rooms wait for each other instead of deadlocking.
        Map<String, List<Pending>> byRoom = new TreeMap<>();
        for (Pending p : batch) {
            byRoom.computeIfAbsent(p.message().room(), k -> new ArrayList<>()).add(p);
        }
        Connection c = dataSource.getConnection();
        try {
            c.setAutoCommit(false);
            List<Assigned> stored = new ArrayList<>(batch.size());
            List<Pending> noRoom = new ArrayList<>(0);
            try {
                // Which drafts repeat a cid their author stored before (or earlier in this batch).
                Map<Pending, Message> known = findDuplicates(c, batch, now);
                for (Map.Entry<String, List<Pending>> e : byRoom.entrySet()) {
                    List<Pending> appends = e.getValue();
                    if (!known.isEmpty()) {
                        appends = new ArrayList<>(appends);
                        appends.removeIf(known::containsKey);
                        if (appends.isEmpty()) {
                            continue;
                        }
                    }
                    long last = dialect.advanceSeq(c, e.getKey(), appends.size(), now);
                    if (last < 0) {
                        noRoom.addAll(appends);
                        continue;
                    }
                    long seq = last - appends.size() + 1;
                    for (Pending p : appends) {
                        stored.add(new Assigned(p, p.message().committed(seq++, now), false));
                    }
                }
                if (!stored.isEmpty()) {
                    insert(c, stored, now);
                }
                if (!known.isEmpty() || hasCid(stored)) {
                    pruneCids(c, now);
                }
                if (!known.isEmpty()) {
                    resolveDuplicates(batch, known, stored, noRoom);
                }
            } catch (SQLException e) {
                rollbackQuietly(c);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                if (SqlFailures.isConnectionProblem(e)) {
                    throw new InDoubtCommit(new Outcome(stored, noRoom, List.of(), null), e);
                }
                rollbackQuietly(c);
                throw e; // the database refused the commit: definitely not stored
            }
            return new Outcome(stored, noRoom, List.of(), null);
        } finally {
            closeQuietly(c);
        }
    }

    private static void insert(Connection c, List<Assigned> rows, long now) throws SQLException {
        boolean anyCid = false;
        boolean anyMedia = false;
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            for (Assigned a : rows) {
                Message m = a.stored();
                if (m.media() != null) {
                    anyMedia = true;
                    continue;
                }
                setMessage(ps, m);
                ps.addBatch();
                anyCid |= m.cid() != null && m.authorId() != null;
            }
            ps.executeBatch();
        }
        if (anyMedia) {
            anyCid |= insertWithMedia(c, rows);
        }
        if (!anyCid) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_CID)) {
            for (Assigned a : rows) {
                Message m = a.stored();
                if (m.cid() != null && m.authorId() != null) {
                    ps.setString(1, m.authorId());
                    ps.setString(2, m.cid());
                    ps.setString(3, m.room());
                    ps.setLong(4, m.seq());
                    ps.setLong(5, now);
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void setMessage(PreparedStatement ps, Message m) throws SQLException {
        ps.setString(1, m.room());
        ps.setLong(2, m.seq());
        ps.setString(3, m.authorId());
        ps.setString(4, m.nick());
        ps.setString(5, m.color());
        ps.setString(6, m.text());
        ps.setLong(7, m.ts());
        ps.setString(8, m.cid());
        ps.setBoolean(9, m.bot());
    }

    /** Inserts the messages with an image, and what keeps each image; returns whether any has a cid. */
    private static boolean insertWithMedia(Connection c, List<Assigned> rows) throws SQLException {
        boolean anyCid = false;
        try (PreparedStatement ps = c.prepareStatement(INSERT_WITH_MEDIA);
             PreparedStatement post = c.prepareStatement(INSERT_MEDIA_POST);
             PreparedStatement posted = c.prepareStatement(MEDIA_POSTED)) {
            for (Assigned a : rows) {
                Message m = a.stored();
                Media media = m.media();
                if (media == null) {
                    continue;
                }
                setMessage(ps, m);
                ps.setString(10, media.id());
                ps.setString(11, media.type());
                ps.setInt(12, media.width());
                ps.setInt(13, media.height());
                ps.setLong(14, media.bytes());
                ps.addBatch();
                post.setString(1, media.id());
                post.setString(2, m.room());
                post.setLong(3, m.seq());
                post.addBatch();
                posted.setString(1, media.id());
                posted.addBatch();
                anyCid |= m.cid() != null && m.authorId() != null;
            }
            ps.executeBatch();
            post.executeBatch();
            posted.executeBatch();
        }
        return anyCid;
    }

    private static boolean hasCid(List<Assigned> stored) {
        for (Assigned a : stored) {
            if (a.stored().cid() != null) {
                return true;
            }
        }
        return false;
    }

    /** At most once an hour, deletes the cids older than their memory (an index range on created_at). */
    private void pruneCids(Connection c, long now) throws SQLException {
        if (now - cidsPrunedAt < CID_PRUNE_MILLIS) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM message_cids WHERE created_at <= ?")) {
            ps.setLong(1, now - CID_MEMORY_MILLIS);
            ps.executeUpdate();
        }
        cidsPrunedAt = now; // if the transaction rolls back, the next hour's prune takes them
    }

    /**
     * The drafts of the batch whose author already stored their {@code cid}: mapped to the stored
     * message, or, for a repeat within this batch, to the first draft of that cid (resolved once
     * that one has its seq). A remembered cid older than {@link #CID_MEMORY_MILLIS} is forgotten
     * here, so that it may be used again.
     */
    private static Map<Pending, Message> findDuplicates(Connection c, List<Pending> batch, long now)
            throws SQLException {
        Map<Pending, Message> known = Map.of();
        Map<String, Pending> firsts = null;
        for (Pending p : batch) {
            Message m = p.message();
            if (m.cid() == null || m.authorId() == null) {
                continue;
            }
            if (firsts == null) {
                firsts = new java.util.HashMap<>();
                known = new java.util.IdentityHashMap<>();
            }
            String key = m.authorId() + '\n' + m.cid();
            Pending first = firsts.get(key);
            if (first != null) {
                known.put(p, first.message()); // a draft: resolved by resolveDuplicates
                continue;
            }
            Message stored = findCid(c, m.authorId(), m.cid(), now);
            if (stored != null) {
                known.put(p, stored);
            } else {
                firsts.put(key, p);
            }
        }
        return known;
    }

    private static Message findCid(Connection c, String authorId, String cid, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(FIND_CID)) {
            ps.setString(1, authorId);
            ps.setString(2, cid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (rs.getLong(1) > now - CID_MEMORY_MILLIS) {
                    return JdbcMessageStore.row(rs, 2);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM message_cids WHERE author_id = ? AND cid = ?")) {
            ps.setString(1, authorId);
            ps.setString(2, cid);
            ps.executeUpdate();
        }
        return null;
    }

    /** Adds the batch's duplicates to {@code stored}, each with the message its cid first named. */
    private static void resolveDuplicates(List<Pending> batch, Map<Pending, Message> known, List<Assigned> stored,
                                          List<Pending> noRoom) {
        Map<Message, Message> committedDrafts = new java.util.IdentityHashMap<>();
        for (Assigned a : stored) {
            committedDrafts.put(a.pending().message(), a.stored());
        }
        for (Pending p : batch) {
            Message original = known.get(p);
            if (original != null) {
                Message resolved = original.seq() > 0 ? original : committedDrafts.get(original);
                if (resolved != null) {
                    stored.add(new Assigned(p, resolved, true));
                } else { // the first draft of this cid found no room, and neither does this one
                    noRoom.add(p);
                }
            }
        }
    }

    /**
     * The transaction is all or nothing, so one of its rows tells: if the first message is stored
     * at its seq exactly as we wrote it, the whole batch is. (Had the batch not landed, another
     * node could have taken that seq since, hence the comparison of every field.)
     */
    private Outcome resolveInDoubt(List<Pending> batch, InDoubtCommit doubt) {
        Outcome ifCommitted = doubt.ifCommitted;
        SQLException cause = (SQLException) doubt.getCause();
        if (ifCommitted.stored().isEmpty()) {
            return ifCommitted; // nothing was to be inserted; the missing rooms are missing either way
        }
        Message probe = null;
        for (Assigned a : ifCommitted.stored()) {
            if (!a.duplicate()) {
                probe = a.stored();
                break;
            }
        }
        if (probe == null) {
            return ifCommitted; // only duplicates: nothing was inserted
        }
        Connection c = null;
        try {
            c = dataSource.getConnection();
            boolean landed;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT author_id, nick, color, body, ts FROM messages WHERE room_id = ? AND seq = ?")) {
                ps.setString(1, probe.room());
                ps.setLong(2, probe.seq());
                try (ResultSet rs = ps.executeQuery()) {
                    landed = rs.next() && Objects.equals(rs.getString(1), probe.authorId())
                            && probe.nick().equals(rs.getString(2)) && probe.color().equals(rs.getString(3))
                            && probe.text().equals(rs.getString(4)) && rs.getLong(5) == probe.ts();
                }
            }
            LOG.log(Level.WARNING, "message writer: connection lost during commit ({0}); the batch {1}",
                    SqlFailures.describe(cause), landed ? "was committed" : "was not committed");
            if (landed) {
                recovered();
                return ifCommitted;
            }
            StoreUnavailableException failure = SqlFailures.unavailable("storing messages", cause);
            noteFailure(failure);
            return Outcome.failed(batch, failure);
        } catch (SQLException e) {
            StoreUnavailableException failure = new StoreUnavailableException(
                    "storing messages: connection lost during commit, outcome unknown: " + SqlFailures.describe(cause));
            noteFailure(failure);
            return Outcome.failed(batch, failure);
        } finally {
            closeQuietly(c);
        }
    }

    private void noteFailure(StoreException failure) {
        if (!failing) {
            failing = true;
            LOG.log(Level.WARNING, "message writer: {0}; appends fail until the database is back", failure.getMessage());
        } else {
            LOG.log(Level.DEBUG, "message writer: {0}", failure.getMessage());
        }
    }

    private void recovered() {
        if (failing) {
            failing = false;
            LOG.log(Level.INFO, "message writer: the database is back");
        }
    }

    private void deliver(Outcome outcome) {
        int n = 0;
        for (Assigned a : outcome.stored()) {
            n += a.duplicate() ? 0 : 1;
        }
        if (n > 0) {
            transactions.incrementAndGet();
            committed.addAndGet(n);
            if (n > largestBatch) {
                largestBatch = n;
            }
        }
        failed.addAndGet(outcome.noRoom().size() + outcome.failed().size());
        outcomes.add(outcome);
        delivery.execute(this::deliverQueued);
    }

    /**
     * Delivers every outcome queued by now (up to about {@value #MAX_RUN} messages): the listeners
     * hear their messages as one run, then the futures complete, in commit order. When delivery
     * keeps up, each task finds its own outcome; when the listeners fall behind the commits,
     * outcomes bunch up and go out together, and the tasks that find the queue empty do nothing.
     * There is a task for every outcome, so none is left behind when a run stops at the cap.
     */
    private void deliverQueued() {
        List<Outcome> taken = new ArrayList<>();
        List<Message> run = new ArrayList<>();
        Outcome next;
        while (run.size() < MAX_RUN && (next = outcomes.poll()) != null) {
            taken.add(next);
            for (Assigned a : next.stored()) {
                if (!a.duplicate()) {
                    run.add(a.stored());
                }
            }
        }
        if (!run.isEmpty()) {
            List<Message> messages = Collections.unmodifiableList(run);
            for (CommitListener listener : listeners) {
                try {
                    listener.committed(messages);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "commit listener threw " + e.getClass().getName());
                }
            }
        }
        for (Outcome outcome : taken) {
            for (Assigned a : outcome.stored()) {
                permits.release();
                a.pending().future().complete(new Appended(a.stored(), a.duplicate()));
            }
            for (Pending p : outcome.noRoom()) {
                permits.release();
                p.future().completeExceptionally(new NoSuchRoomException(p.message().room()));
            }
            for (Pending p : outcome.failed()) {
                permits.release();
                p.future().completeExceptionally(outcome.failure());
            }
        }
    }

    // Once the outcome is known, a failure to hand the connection back must not change it: a
    // committed batch reported as failed could be sent again and stored twice.
    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // The pool drops a connection it could not reset.
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is already broken; the database discards the transaction with it.
        }
    }

    /** Stops accepting appends, commits (or fails) every accepted one, then stops both threads. */
    @Override
    public void close() {
        Lock lock = admission.writeLock();
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        delivery.shutdown();
        try {
            while (!delivery.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "message writer: still waiting for commit listeners to finish");
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
