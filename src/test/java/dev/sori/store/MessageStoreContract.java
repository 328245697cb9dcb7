package dev.sori.store;

import dev.sori.chat.Appended;
import dev.sori.chat.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What every {@link MessageStore} promises, run against each database. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class MessageStoreContract extends StoreContract {

    static Message message(String room, String text) {
        return Message.draft(room, "id-ada", "ada", "#2a9d8f", text, null, null);
    }

    static List<Message> appendAll(MessageStore store, String room, int n) {
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            futures.add(Appends.append(store, message(room, "m" + i)));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).toList();
    }

    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected the future to fail");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void appendsGetConsecutiveSeqsFromOneAndAreStoredAsGiven() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-02T03:04:05Z"));
        Storage s = open(backend.settings(), clock);
        String room = newRoom(s);

        Message first = Appends.append(s.messages(), Message.draft(room, "id-1", "nico", "#e76f51", "hello 안녕 👋", null, null)).join();
        Message second = Appends.append(s.messages(), Message.draft(room, null, "anon", "#264653", "second", null, null)).join();

        assertThat(first).isEqualTo(new Message(room, 1, "id-1", "nico", "#e76f51", "hello 안녕 👋",
                clock.millis(), null, null));
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.authorId()).isNull();
        assertThat(s.messages().latest(room, 10)).containsExactly(first, second);
        assertThat(s.messages().lastSeq(room)).isEqualTo(2);
    }

    @Test
    void aBotsMessageIsStoredAsABotsWithAndWithoutAnImageAndItsCidRemembered() {
        Storage s = open();
        String room = newRoom(s);
        Message text = Appends.append(s.messages(), Message.botDraft(room, "sori-api", "Ticker", "#4b5563", "tick",
                null, "t-1")).join();
        Message person = Appends.append(s.messages(), message(room, "a person")).join();
        assertThat(text.bot()).isTrue();
        assertThat(person.bot()).isFalse();
        assertThat(s.messages().latest(room, 10)).extracting(Message::bot).containsExactly(true, false);
        Appended again = s.messages().append(Message.botDraft(room, "sori-api", "Other", "#4b5563", "tick", null,
                "t-1")).join();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message().bot()).isTrue();
        assertThat(again.message().nick()).isEqualTo("Ticker");
    }

    @Test
    void seqsArePerRoom() {
        Storage s = open();
        String a = newRoom(s);
        String b = newRoom(s);
        List<CompletableFuture<Message>> fa = new ArrayList<>();
        List<CompletableFuture<Message>> fb = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fa.add(Appends.append(s.messages(), message(a, "a" + i)));
            fb.add(Appends.append(s.messages(), message(b, "b" + i)));
        }
        assertThat(fa.stream().map(f -> f.join().seq()).toList()).isEqualTo(range(1, 50));
        assertThat(fb.stream().map(f -> f.join().seq()).toList()).isEqualTo(range(1, 50));
    }

    @Test
    void theDatabaseRefusesASecondMessageWithTheSameRoomAndSeq() throws SQLException {
        Storage s = open();
        String room = newRoom(s);
        Appends.append(s.messages(), message(room, "one")).join();
        try (Connection c = backend.connect();
                PreparedStatement ps = c.prepareStatement("INSERT INTO messages (room_id, seq, author_id, nick, color,"
                        + " body, ts) VALUES (?, 1, NULL, 'x', '#000000', 'dup', 0)")) {
            ps.setString(1, room);
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("23505"));
        }
    }

    @Test
    void appendsToAMissingRoomFailAloneInTheirBatch() {
        Storage s = open();
        String room = newRoom(s);
        List<CompletableFuture<Message>> good = new ArrayList<>();
        List<CompletableFuture<Message>> bad = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            good.add(Appends.append(s.messages(), message(room, "ok" + i)));
            bad.add(Appends.append(s.messages(), message("no-such-room", "lost" + i)));
        }
        assertThat(good.stream().map(f -> f.join().seq()).toList()).isEqualTo(range(1, 100));
        for (CompletableFuture<Message> f : bad) {
            assertThat(failureOf(f)).isInstanceOf(NoSuchRoomException.class);
        }
    }

    static Message withCid(String room, String author, String text, String cid) {
        return Message.draft(room, author, "ada", "#2a9d8f", text, cid, null);
    }

    /** A clock the test moves. */
    static final class ManualClock extends java.time.Clock {
        volatile long millis = System.currentTimeMillis();

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void aCidSentToTwoNodesAtOnceIsStoredOnce() {
        Storage one = open();
        Storage two = openAnotherNode();
        String room = newRoom(one);
        for (int i = 0; i < 40; i++) {
            // A client that resends after reconnecting to another node, while the first is still writing.
            CompletableFuture<Appended> a = one.messages().append(withCid(room, "id-race", "text " + i, "race-" + i));
            CompletableFuture<Appended> b = two.messages().append(withCid(room, "id-race", "text " + i, "race-" + i));
            Appended first = a.join();
            Appended second = b.join();
            assertThat(List.of(first.duplicate(), second.duplicate())).as("cid race-%d", i).containsOnlyOnce(false);
            assertThat(second.message().seq()).isEqualTo(first.message().seq());
        }
        assertThat(one.messages().lastSeq(room)).isEqualTo(40);
    }

    @Test
    void aResentCidIsAnsweredWithTheOriginalAndStoredOnce() {
        Storage s = open();
        String room = newRoom(s);
        List<Message> heard = new CopyOnWriteArrayList<>();
        s.messages().addCommitListener(heard::addAll);
        Appended first = s.messages().append(withCid(room, "id-cid-1", "hello", "c-1")).join();
        Appended again = s.messages().append(withCid(room, "id-cid-1", "hello (resent)", "c-1")).join();
        Appended other = s.messages().append(withCid(room, "id-cid-2", "hello", "c-1")).join();

        assertThat(first.duplicate()).isFalse();
        assertThat(first.message().cid()).isEqualTo("c-1");
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message()).isEqualTo(first.message()); // the original, text and all
        assertThat(other.duplicate()).isFalse(); // cids are per author
        assertThat(other.message().seq()).isEqualTo(2);
        assertThat(s.messages().latest(room, 10)).extracting(Message::text).containsExactly("hello", "hello");
        assertThat(s.messages().latest(room, 10)).extracting(Message::cid).containsExactly("c-1", "c-1");
        assertThat(heard).extracting(Message::seq).containsExactly(1L, 2L); // the duplicate is not delivered
    }

    @Test
    void aCidIsRememberedAcrossARestartAndAcrossRooms() {
        Storage first = open();
        String room = newRoom(first);
        String elsewhere = newRoom(first);
        Message original = first.messages().append(withCid(room, "id-cid-4", "once", "c-9")).join().message();
        close(first);

        Storage again = open();
        Appended resent = again.messages().append(withCid(elsewhere, "id-cid-4", "once", "c-9")).join();
        assertThat(resent.duplicate()).isTrue();
        assertThat(resent.message().room()).isEqualTo(room);
        assertThat(resent.message().seq()).isEqualTo(original.seq());
        assertThat(again.messages().latest(elsewhere, 10)).isEmpty();
    }

    @Test
    void repeatsWithinOneBatchAreStoredOnce() {
        Storage s = open();
        String room = newRoom(s);
        List<CompletableFuture<Appended>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // queued at once: they share transactions
            all.add(s.messages().append(withCid(room, "id-cid-5", "same " + i, "c-" + (i % 5))));
        }
        List<Appended> done = all.stream().map(CompletableFuture::join).toList();
        assertThat(done.stream().filter(a -> !a.duplicate())).hasSize(5);
        for (int i = 0; i < 50; i++) {
            assertThat(done.get(i).message()).isEqualTo(done.get(i % 5).message());
        }
        assertThat(s.messages().lastSeq(room)).isEqualTo(5);
    }

    @Test
    void aCidIsForgottenAfterADay() {
        ManualClock clock = new ManualClock();
        Storage s = open(backend.settings(), clock);
        String room = newRoom(s);
        assertThat(s.messages().append(withCid(room, "id-cid-3", "day one", "c-1")).join().duplicate()).isFalse();
        clock.millis += Duration.ofHours(23).toMillis();
        assertThat(s.messages().append(withCid(room, "id-cid-3", "still", "c-1")).join().duplicate()).isTrue();
        clock.millis += Duration.ofHours(2).toMillis();
        Appended later = s.messages().append(withCid(room, "id-cid-3", "day two", "c-1")).join();
        assertThat(later.duplicate()).isFalse();
        assertThat(later.message().seq()).isEqualTo(2);
    }

    @Test
    void eachTransactionIsHeardWithItsSizeAndTime() {
        Storage s = open();
        String room = newRoom(s);
        List<long[]> heard = new CopyOnWriteArrayList<>();
        s.messages().addTransactionListener((messages, nanos) -> heard.add(new long[] {messages, nanos}));
        appendAll(s.messages(), room, 20);
        s.messages().append(withCid(room, "id-cid-8", "once", "t-1")).join();
        s.messages().append(withCid(room, "id-cid-8", "once", "t-1")).join(); // a duplicate stores nothing
        assertThat(heard.stream().mapToLong(h -> h[0]).sum()).isEqualTo(21);
        assertThat(heard).allSatisfy(h -> assertThat(h[1]).isPositive());
    }

    @Test
    void cidsPastTheirDayAreForgottenByTheHour() throws SQLException {
        ManualClock clock = new ManualClock();
        Storage s = open(backend.settings(), clock);
        String room = newRoom(s);
        s.messages().append(withCid(room, "id-cid-6", "old", "c-old")).join();
        assertThat(cidRows("id-cid-6")).isEqualTo(1);
        clock.millis += Duration.ofHours(25).toMillis();
        s.messages().append(withCid(room, "id-cid-7", "new", "c-new")).join(); // a batch with a cid prunes
        assertThat(cidRows("id-cid-6")).isZero();
        assertThat(cidRows("id-cid-7")).isEqualTo(1);
        assertThat(s.messages().latest(room, 10)).extracting(Message::text).containsExactly("old", "new");
    }

    private int cidRows(String author) throws SQLException {
        try (Connection c = backend.connect();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM message_cids WHERE author_id = ?")) {
            ps.setString(1, author);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void invalidMessagesAreRefusedBeforeTheyReachABatch() {
        MessageStore store = open().messages();
        assertThatThrownBy(() -> store.append(message("general", ""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append(message("general", "nul\u0000inside")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append(message("general", "x".repeat(Columns.MAX_TEXT_CHARS + 1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.append(Message.draft("general", "id-ada", "ada", "#2a9d8f", "hi",
                "c".repeat(Columns.MAX_CID_CHARS + 1), null))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.latest("general", 1)).isEmpty();
    }

    @Test
    void theLongestTextFitsTheColumn() {
        Storage s = open();
        String room = newRoom(s);
        String text = "가".repeat(Columns.MAX_TEXT_CHARS);
        assertThat(Appends.append(s.messages(), message(room, text)).join().seq()).isEqualTo(1);
        assertThat(s.messages().latest(room, 1).get(0).text()).isEqualTo(text);
    }

    @Test
    void listenersAndCompletionsFollowSeqOrderInEveryRoom() throws Exception {
        Storage s = open();
        List<String> rooms = List.of(newRoom(s), newRoom(s), newRoom(s));
        Map<String, List<Long>> heard = new ConcurrentHashMap<>();
        List<String> listenerThreads = new CopyOnWriteArrayList<>();
        s.messages().addCommitListener(run -> {
            for (Message m : run) {
                heard.computeIfAbsent(m.room(), r -> Collections.synchronizedList(new ArrayList<>())).add(m.seq());
            }
            listenerThreads.add(Thread.currentThread().getName());
        });
        Map<String, List<Long>> completed = new ConcurrentHashMap<>();
        int threads = 8;
        int perThread = 300;
        ExecutorService producers = Executors.newFixedThreadPool(threads);
        List<CompletableFuture<Message>> all = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            producers.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<Message> f = Appends.append(s.messages(), message(rooms.get((id + i) % 3), "x"));
                    // Recorded only when completed on the delivery thread, where the order is promised.
                    f.thenAccept(m -> {
                        if (Thread.currentThread().getName().endsWith("-delivery")) {
                            completed.computeIfAbsent(m.room(), r -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(m.seq());
                        }
                    });
                    all.add(f);
                }
            });
        }
        producers.shutdown();
        assertThat(producers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();

        long total = 0;
        for (String room : rooms) {
            List<Long> h = heard.get(room);
            assertThat(h).as("listener order in " + room).isEqualTo(range(1, h.size()));
            assertThat(completed.getOrDefault(room, List.of())).as("completion order in " + room).isSorted();
            total += h.size();
        }
        assertThat(total).isEqualTo((long) threads * perThread);
        assertThat(listenerThreads).allMatch(n -> n.endsWith("-delivery"));
    }

    @Test
    void anAppendCompletesOnlyAfterItsTransactionCommitted() throws Exception {
        Storage s = open();
        String room = newRoom(s);
        List<String> problems = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        try (Connection outsider = backend.connect()) {
            PreparedStatement ps = outsider.prepareStatement("SELECT COUNT(*) FROM messages WHERE room_id = ? AND seq = ?");
            for (int i = 0; i < 50; i++) {
                checks.add(Appends.append(s.messages(), message(room, "c" + i)).thenAccept(m -> {
                    try {
                        synchronized (ps) {
                            ps.setString(1, m.room());
                            ps.setLong(2, m.seq());
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                if (rs.getInt(1) != 1) {
                                    problems.add("seq " + m.seq() + " not visible to another connection at completion");
                                }
                            }
                        }
                    } catch (SQLException e) {
                        problems.add(e.toString());
                    }
                }));
            }
            CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void commitsThatBunchUpBehindASlowListenerReachItAsOneRunInSeqOrder() throws Exception {
        Storage s = open();
        String room = newRoom(s);
        CountDownLatch firstHeard = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<Long>> runs = new CopyOnWriteArrayList<>();
        s.messages().addCommitListener(run -> {
            runs.add(seqs(run));
            firstHeard.countDown();
            try {
                release.await(); // a fan-out that takes long
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Message> first = Appends.append(s.messages(), message(room, "first"));
        assertThat(firstHeard.await(10, TimeUnit.SECONDS)).isTrue();
        // While the listener is busy with seq 1, 20 more are committed one after another.
        List<CompletableFuture<Message>> later = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            CompletableFuture<Message> next = Appends.append(s.messages(), message(room, "later " + i));
            awaitCommitted(s, room, i + 2);
            later.add(next);
        }
        assertThat(first).as("completes only after its listener returned").isNotDone();
        assertThat(later).noneMatch(CompletableFuture::isDone);
        release.countDown();

        assertThat(seqs(later.stream().map(CompletableFuture::join).toList())).isEqualTo(range(2, 21));
        assertThat(first.join().seq()).isEqualTo(1);
        assertThat(runs).containsExactly(List.of(1L), range(2, 21));
    }

    private void awaitCommitted(Storage s, String room, long seq) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.writerStats().committed() < seq) {
            assertThat(System.nanoTime()).as("seq %d committed in time", seq).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void groupCommitPutsManyAppendsInFewTransactions() {
        Storage s = open(backend.settings().withBatchSize(512), java.time.Clock.systemUTC());
        String room = newRoom(s);
        Appends.append(s.messages(), message(room, "warm-up")).join();
        WriterStats before = s.writerStats();

        List<Message> stored = appendAll(s.messages(), room, 1000);

        WriterStats after = s.writerStats();
        long transactions = after.transactions() - before.transactions();
        assertThat(seqs(stored)).isEqualTo(range(2, 1001));
        assertThat(after.committed() - before.committed()).isEqualTo(1000);
        assertThat(transactions).as("transactions for 1000 appends").isLessThanOrEqualTo(50);
        assertThat(after.largestBatch()).isGreaterThan(20).isLessThanOrEqualTo(512);
        assertThat(after.pending()).isZero();
    }

    @Test
    void twoNodesOnOneDatabaseNeverShareOrSkipASeq() throws Exception {
        Storage nodeA = open();
        Storage nodeB = openAnotherNode(); // a second pool and writer: another Sori node
        String room = newRoom(nodeA);
        int perProducer = 250;
        List<CompletableFuture<Message>> all = new CopyOnWriteArrayList<>();
        Map<Storage, List<Long>> heard = new ConcurrentHashMap<>();
        for (Storage node : List.of(nodeA, nodeB)) {
            List<Long> h = Collections.synchronizedList(new ArrayList<>());
            heard.put(node, h);
            node.messages().addCommitListener(run -> run.forEach(m -> h.add(m.seq())));
        }
        ExecutorService producers = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            Storage node = t % 2 == 0 ? nodeA : nodeB;
            producers.submit(() -> {
                for (int i = 0; i < perProducer; i++) {
                    all.add(Appends.append(node.messages(), message(room, "n")));
                    if (i % 50 == 0) {
                        Thread.yield();
                    }
                }
            });
        }
        producers.shutdown();
        assertThat(producers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        List<Long> seqs = new ArrayList<>(all.stream().map(f -> f.join().seq()).toList());
        Collections.sort(seqs);
        int n = 8 * perProducer;

        assertThat(seqs).isEqualTo(range(1, n));
        assertThat(seqs(nodeB.messages().latest(room, n))).isEqualTo(range(1, n));
        assertThat(nodeA.messages().lastSeq(room)).isEqualTo(n);
        for (List<Long> h : heard.values()) {
            assertThat(h).as("each node hears its own commits in seq order").isSorted().doesNotHaveDuplicates();
        }
        assertThat(heard.get(nodeA).size() + heard.get(nodeB).size()).isEqualTo(n);
        assertThat(heard.get(nodeA)).isNotEmpty();
        assertThat(heard.get(nodeB)).isNotEmpty();
    }

    @Test
    void everythingAcknowledgedIsThereAfterReopening() {
        Storage first = open();
        String room = newRoom(first);
        List<Message> acked = appendAll(first.messages(), room, 500);
        close(first);

        Storage again = open();
        assertThat(again.messages().latest(room, 1000)).isEqualTo(acked);
        assertThat(Appends.append(again.messages(), message(room, "after")).join().seq()).isEqualTo(501);
    }

    @Test
    void closeCommitsEveryAcceptedAppendThenRefusesMore() {
        Storage s = open();
        String room = newRoom(s);
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            futures.add(Appends.append(s.messages(), message(room, "d" + i)));
        }
        close(s);

        assertThat(futures).allMatch(CompletableFuture::isDone);
        assertThat(futures.stream().map(f -> f.join().seq()).toList()).isEqualTo(range(1, 2000));
        assertThat(failureOf(Appends.append(s.messages(), message(room, "late")))).isInstanceOf(StoreUnavailableException.class);
        assertThat(s.writerStats().rejected()).isEqualTo(1);

        Storage again = open();
        assertThat(again.messages().lastSeq(room)).isEqualTo(2000);
    }

    @Test
    void aFullQueueFailsAtOnceInsteadOfGrowing() throws Exception {
        Storage s = open(backend.settings().withQueueCapacity(5), java.time.Clock.systemUTC());
        String room = newRoom(s);
        List<CompletableFuture<Message>> accepted = new ArrayList<>();
        try (Connection blocker = backend.connect()) {
            // Holds the room's row lock, so the writer's first batch waits on it.
            blocker.setAutoCommit(false);
            try (PreparedStatement ps = blocker.prepareStatement("UPDATE rooms SET title = title WHERE id = ?")) {
                ps.setString(1, room);
                ps.executeUpdate();
            }
            for (int i = 0; i < 5; i++) {
                accepted.add(Appends.append(s.messages(), message(room, "q" + i)));
            }
            CompletableFuture<Message> refused = Appends.append(s.messages(), message(room, "one too many"));

            assertThat(refused).isCompletedExceptionally();
            assertThat(failureOf(refused)).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("full");
            assertThat(s.writerStats().rejected()).isEqualTo(1);
            blocker.rollback();
        }
        // H2 gives up on a lock after 2 s, so they may have failed; they must all finish either way.
        for (CompletableFuture<Message> f : accepted) {
            f.handle((m, e) -> null).get(30, TimeUnit.SECONDS);
        }
        assertThat(Appends.append(s.messages(), message(room, "room again")).get(30, TimeUnit.SECONDS).seq())
                .isEqualTo(1 + accepted.stream().filter(f -> !f.isCompletedExceptionally()).count());
    }

    @Test
    void latestAndBeforePageBackwardsNewestLast() {
        Storage s = open();
        String room = newRoom(s);
        appendAll(s.messages(), room, 120);

        assertThat(seqs(s.messages().latest(room, 50))).isEqualTo(range(71, 120));
        assertThat(seqs(s.messages().before(room, 71, 50))).isEqualTo(range(21, 70));
        assertThat(seqs(s.messages().before(room, 21, 50))).isEqualTo(range(1, 20));
        assertThat(s.messages().before(room, 1, 50)).isEmpty();
        assertThat(s.messages().latest("no-such-room", 50)).isEmpty();
        assertThat(s.messages().latest(room, 1).get(0).text()).isEqualTo("m120");
    }

    @Test
    void sinceReplaysExactlyWhatWasMissed() {
        Storage s = open();
        String room = newRoom(s);
        assertThat(s.messages().since(room, 0, 1000, 50)).isEqualTo(new Recovery(List.of(), true, 0));
        appendAll(s.messages(), room, 120);

        Recovery upToDate = s.messages().since(room, 120, 1000, 50);
        assertThat(upToDate.recovered()).isTrue();
        assertThat(upToDate.messages()).isEmpty();
        assertThat(upToDate.lastSeq()).isEqualTo(120);

        Recovery missed20 = s.messages().since(room, 100, 1000, 50);
        assertThat(missed20.recovered()).isTrue();
        assertThat(seqs(missed20.messages())).isEqualTo(range(101, 120));

        Recovery everything = s.messages().since(room, 0, 1000, 50);
        assertThat(everything.recovered()).isTrue();
        assertThat(seqs(everything.messages())).isEqualTo(range(1, 120));

        Recovery tooMany = s.messages().since(room, 10, 100, 50);
        assertThat(tooMany.recovered()).isFalse();
        assertThat(seqs(tooMany.messages())).isEqualTo(range(71, 120));

        Recovery exactlyMax = s.messages().since(room, 20, 100, 50);
        assertThat(exactlyMax.recovered()).isTrue();
        assertThat(seqs(exactlyMax.messages())).isEqualTo(range(21, 120));

        Recovery fromTheFuture = s.messages().since(room, 500, 1000, 30);
        assertThat(fromTheFuture.recovered()).isFalse();
        assertThat(seqs(fromTheFuture.messages())).isEqualTo(range(91, 120));

        assertThatThrownBy(() -> s.messages().since("no-such-room", 0, 10, 10)).isInstanceOf(NoSuchRoomException.class);
        assertThatThrownBy(() -> s.messages().since(room, -1, 10, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sinceSaysNotRecoveredWhenRetentionDeletedWhatWasMissed() {
        Storage s = open();
        String room = newRoom(s);
        appendAll(s.messages(), room, 120);

        assertThat(s.messages().prune(room, 30)).isEqualTo(90);
        assertThat(seqs(s.messages().latest(room, 1000))).isEqualTo(range(91, 120));

        Recovery gone = s.messages().since(room, 50, 1000, 10);
        assertThat(gone.recovered()).isFalse();
        assertThat(seqs(gone.messages())).isEqualTo(range(111, 120));

        Recovery edge = s.messages().since(room, 90, 1000, 10);
        assertThat(edge.recovered()).isTrue();
        assertThat(seqs(edge.messages())).isEqualTo(range(91, 120));

        Recovery beforeEdge = s.messages().since(room, 89, 1000, 10);
        assertThat(beforeEdge.recovered()).isFalse();

        // Retention never renumbers.
        assertThat(Appends.append(s.messages(), message(room, "next")).join().seq()).isEqualTo(121);
    }

    @Test
    void appendingKeepsTheRoomActive() {
        MutableClock clock = new MutableClock(Instant.parse("2025-05-01T00:00:00Z"));
        Storage s = open(backend.settings(), clock);
        String room = newRoom(s);
        clock.advance(Duration.ofHours(1));
        Appends.append(s.messages(), message(room, "hi")).join();
        StoredRoom r = s.rooms().find(room).orElseThrow();
        assertThat(r.lastActiveAt()).isEqualTo(clock.instant());
        assertThat(r.lastSeq()).isEqualTo(1);
    }

    @Test
    void aDeletedMessageStaysAsATombstoneInItsPlace() {
        Storage s = open();
        String room = newRoom(s);
        List<Message> stored = appendAll(s.messages(), room, 3);
        assertThat(s.messages().find(room, 2)).isEqualTo(stored.get(1));

        assertThat(s.messages().delete(room, 2)).isTrue();
        assertThat(s.messages().delete(room, 2)).as("a second time changes nothing").isFalse();
        assertThat(s.messages().delete(room, 99)).isFalse();

        Message tombstone = s.messages().find(room, 2);
        assertThat(tombstone.deleted()).isTrue();
        assertThat(tombstone.text()).isEmpty();
        assertThat(tombstone.media()).isNull();
        assertThat(tombstone.authorId()).isEqualTo(stored.get(1).authorId());
        assertThat(seqs(s.messages().latest(room, 10))).containsExactly(1L, 2L, 3L);
        assertThat(s.messages().latest(room, 10).get(2).deleted()).isFalse();
        assertThat(s.messages().find(room, 99)).isNull();
    }
}
