package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The sequencer in front of a room: each seq once, in order, whatever the bus does. */
class SequencerTest {
    private static final String ROOM = "r";

    /** The log the gaps are filled from, and a timer the test fires by hand. */
    private static final class Gaps implements Sequencer.GapFiller {
        final List<Message> log = new ArrayList<>();
        final List<Runnable> timers = new ArrayList<>();
        int reads;

        @Override
        public CompletionStage<List<Message>> read(String room, long after, long upTo) {
            reads++;
            List<Message> found = new ArrayList<>();
            for (Message m : log) {
                if (m.seq() > after && m.seq() <= upTo) {
                    found.add(m);
                }
            }
            return CompletableFuture.completedFuture(found);
        }

        @Override
        public void schedule(Runnable task, long millis) {
            timers.add(task);
        }

        void fire() {
            while (!timers.isEmpty()) {
                List<Runnable> due = new ArrayList<>(timers);
                timers.clear();
                due.forEach(Runnable::run);
            }
        }
    }

    private final Gaps gaps = new Gaps();
    private final List<List<Message>> runs = new CopyOnWriteArrayList<>();
    private final Sequencer sequencer = new Sequencer(ROOM, 0, runs::add, gaps);

    private static Message m(long seq) {
        return new Message(ROOM, seq, "a", "ada", "#000000", "m" + seq, seq, null, null);
    }

    private List<Long> delivered() {
        List<Long> seqs = new ArrayList<>();
        runs.forEach(run -> run.forEach(msg -> seqs.add(msg.seq())));
        return seqs;
    }

    @Test
    void runsInOrderGoStraightThroughAsTheyCame() {
        List<Message> run = List.of(m(1), m(2), m(3));
        sequencer.offer(run);
        sequencer.offer(List.of(m(4)));
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).isSameAs(run); // no copy on the common path
        assertThat(gaps.timers).isEmpty();
    }

    /**
     * A node's own commits interleave with the others': when pub/sub lost the others', a hole
     * follows every few seqs. One read after one hold fills them all.
     */
    @Test
    void holesBetweenHeldMessagesAreFilledByOneRead() {
        for (long seq = 1; seq <= 300; seq++) {
            gaps.log.add(m(seq));
        }
        for (long seq = 3; seq <= 300; seq += 3) {
            sequencer.offer(List.of(m(seq))); // this node's own; 1, 2, 4, 5, ... were lost
        }
        assertThat(delivered()).isEmpty();
        gaps.fire();
        assertThat(delivered()).isEqualTo(LongStream.rangeClosed(1, 300).boxed().toList());
        assertThat(gaps.reads).isEqualTo(1);
    }

    @Test
    void aLongGapIsReadInCappedReadsOneAfterTheOther() {
        int n = Sequencer.MAX_GAP_READ * 2 + 5;
        for (long seq = 1; seq <= n; seq++) {
            gaps.log.add(m(seq));
        }
        sequencer.reached(n);
        gaps.fire();
        assertThat(delivered()).isEqualTo(LongStream.rangeClosed(1, n).boxed().toList());
        assertThat(gaps.reads).isEqualTo(3);
    }

    @Test
    void repeatsAndLateArrivalsAreDropped() {
        sequencer.offer(List.of(m(1), m(2)));
        sequencer.offer(List.of(m(2)));
        sequencer.offer(List.of(m(1), m(2), m(3)));
        assertThat(delivered()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anEarlyMessageWaitsForTheOneBeforeIt() {
        sequencer.offer(List.of(m(2)));
        assertThat(delivered()).isEmpty();
        sequencer.offer(List.of(m(1)));
        assertThat(delivered()).containsExactly(1L, 2L);
        gaps.fire(); // the hold expires with nothing missing: no read
        assertThat(gaps.reads).isZero();
    }

    @Test
    void aGapThatDoesNotCloseIsFilledFromTheLog() {
        for (long s = 1; s <= 5; s++) {
            gaps.log.add(m(s));
        }
        sequencer.offer(List.of(m(1)));
        sequencer.offer(List.of(m(4), m(5))); // 2 and 3 were lost on the way
        assertThat(delivered()).containsExactly(1L);
        gaps.fire();
        assertThat(delivered()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(gaps.reads).isEqualTo(1);
    }

    @Test
    void whatTheLogNoLongerKeepsIsSkipped() {
        gaps.log.add(m(3)); // 1 and 2 were pruned
        sequencer.offer(List.of(m(3), m(4)));
        gaps.fire();
        assertThat(delivered()).containsExactly(3L, 4L);
    }

    @Test
    void aLostTailIsReadOnceTheLogSaysTheRoomGoesFurther() {
        for (long s = 1; s <= 3; s++) {
            gaps.log.add(m(s));
        }
        sequencer.offer(List.of(m(1)));
        sequencer.reached(3);
        gaps.fire();
        assertThat(delivered()).containsExactly(1L, 2L, 3L);
        sequencer.reached(2); // old news
        assertThat(gaps.timers).isEmpty();
    }

    @Test
    void anAckWaitsForItsMessagesDelivery() {
        CompletableFuture<Void> ack = sequencer.delivered(2).toCompletableFuture();
        sequencer.offer(List.of(m(2)));
        assertThat(ack).isNotDone();
        sequencer.offer(List.of(m(1)));
        assertThat(ack).isCompleted();
        assertThat(sequencer.delivered(1).toCompletableFuture()).isCompleted();
    }

    @Test
    void releasingTheSequencerOfADeletedRoomLetsWaitingAcksGo() {
        CompletableFuture<Void> ack = sequencer.delivered(7).toCompletableFuture();
        sequencer.release();
        assertThat(ack).isCompleted();
    }

    /**
     * A bus that reorders, drops and repeats (seeded, so a failure can be replayed): every member
     * still gets 1..N once each, in order, after the gaps are filled from the log.
     */
    @Test
    void aFaultyBusStillDeliversEverySeqOnceInOrder() {
        for (int seed = 1; seed <= 50; seed++) {
            Random random = new Random(seed);
            Gaps log = new Gaps();
            List<List<Message>> got = new ArrayList<>();
            Sequencer s = new Sequencer(ROOM, 0, got::add, log);
            int n = 200;
            List<List<Message>> published = new ArrayList<>();
            for (long seq = 1; seq <= n; ) {
                int size = 1 + random.nextInt(4);
                List<Message> run = new ArrayList<>();
                for (int i = 0; i < size && seq <= n; i++) {
                    Message msg = m(seq++);
                    log.log.add(msg);
                    run.add(msg);
                }
                published.add(run);
            }
            List<List<Message>> onTheWire = new ArrayList<>();
            for (List<Message> run : published) {
                int fate = random.nextInt(10);
                if (fate == 0) {
                    continue; // dropped
                }
                onTheWire.add(run);
                if (fate == 1) {
                    onTheWire.add(run); // repeated
                }
            }
            for (int i = 0; i + 1 < onTheWire.size(); i++) { // neighbours swapped now and then
                if (random.nextInt(5) == 0) {
                    Collections.swap(onTheWire, i, i + 1);
                }
            }
            for (List<Message> run : onTheWire) {
                s.offer(run);
                if (random.nextInt(8) == 0) {
                    log.fire(); // a hold expires in the middle of the stream
                }
            }
            log.fire();
            s.reached(n); // the sweep of rooms' last seqs finds a lost tail, which no later message reveals
            log.fire();
            List<Long> seqs = new ArrayList<>();
            got.forEach(run -> run.forEach(msg -> seqs.add(msg.seq())));
            assertThat(seqs).as("seed %d", seed).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
        }
    }
}
