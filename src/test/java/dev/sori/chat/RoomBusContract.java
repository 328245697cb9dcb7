package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomBus} promises (see its contract), written once: each implementation's
 * test extends this with a factory, as Centrifuge's broker tests take one.
 */
public abstract class RoomBusContract {
    private final List<RoomBus> buses = new ArrayList<>();

    /** A new bus, connected to whatever carries it. */
    protected abstract RoomBus newBus();

    RoomBus bus() {
        RoomBus bus = newBus();
        buses.add(bus);
        return bus;
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(RoomBus::close);
    }

    /** Waits up to {@code seconds} for {@code condition}; a bus between nodes delivers on its own threads. */
    static void await(int seconds, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static Message m(String room, long seq) {
        return new Message(room, seq, "a", "ada", "#000000", "m" + seq, seq, null, null);
    }

    @Test
    void aModerationDecisionReachesTheSubscriberAsSent() {
        RoomBus bus = bus();
        List<Moderation> got = new CopyOnWriteArrayList<>();
        bus.subscribe(new RoomBus.Subscriber() {
            @Override
            public void received(List<Message> run) {
            }

            @Override
            public void moderated(Moderation decision) {
                got.add(decision);
            }
        });
        Moderation ban = new Moderation("r", Moderation.Kind.BAN, "uid-1", 0, "ada");
        Moderation delete = new Moderation("r", Moderation.Kind.DELETE, null, 7, "ada");
        bus.moderate(ban);
        bus.moderate(delete);
        await(5, () -> got.size() >= 2);
        assertThat(got).containsExactly(ban, delete);
    }

    @Test
    void aPublishedRunReachesTheSubscriberAsOneRun() {
        RoomBus bus = bus();
        List<List<Message>> got = new CopyOnWriteArrayList<>();
        bus.subscribe(got::add);
        bus.publish(List.of(m("r", 1), m("r", 2), m("s", 1)));
        await(5, () -> !got.isEmpty());
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).extracting(Message::seq).containsExactly(1L, 2L, 1L);
    }

    @Test
    void runsOfOneRoomArriveInTheOrderTheyWerePublishedWithoutRepeats() {
        RoomBus bus = bus();
        List<Long> seqs = new CopyOnWriteArrayList<>();
        bus.subscribe(run -> run.forEach(msg -> seqs.add(msg.seq())));
        for (long seq = 1; seq <= 1000; seq++) {
            bus.publish(List.of(m("r", seq)));
        }
        await(10, () -> seqs.size() >= 1000);
        assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(1000);
    }

    @Test
    void theSubscriberIsNeverCalledConcurrently() throws Exception {
        RoomBus bus = bus();
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean overlapped = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        bus.subscribe(run -> {
            if (inside.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            Thread.onSpinWait();
            inside.decrementAndGet();
            received.addAndGet(run.size());
        });
        Thread[] publishers = new Thread[4];
        for (int t = 0; t < publishers.length; t++) {
            String room = "r" + t;
            publishers[t] = new Thread(() -> {
                for (long seq = 1; seq <= 500; seq++) {
                    synchronized (bus) { // publish is called by one thread at a time (the contract)
                        bus.publish(List.of(m(room, seq)));
                    }
                }
            });
            publishers[t].start();
        }
        for (Thread t : publishers) {
            t.join();
        }
        await(10, () -> received.get() >= 2000);
        assertThat(overlapped).isFalse();
    }
}
