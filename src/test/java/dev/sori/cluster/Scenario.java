package dev.sori.cluster;

import dev.sori.testing.Cluster;
import dev.sori.testing.DeliveryLedger;
import dev.sori.testing.LedgerClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The moves the cluster scenarios share: people on every node in one room, posting in the
 * background, waiting until everybody caught up, reading room counts as the lobby shows them.
 */
final class Scenario {
    static final Duration DEADLINE = Duration.ofSeconds(15);

    private Scenario() {
    }

    /** One room and the clients in it, {@code perNode} of them on each running node, in node order. */
    record Room(String id, List<LedgerClient> clients) {
        List<String> names() {
            return clients.stream().map(LedgerClient::name).toList();
        }
    }

    /**
     * The first client creates a room on the first node; every other one waits until its own
     * node's lobby lists the room (as a person clicks it in the lobby), then joins it.
     */
    static Room oneRoom(Cluster cluster, DeliveryLedger ledger, int perNode) {
        List<LedgerClient> clients = new ArrayList<>();
        for (Cluster.Node node : cluster.running()) {
            for (int i = 0; i < perNode; i++) {
                clients.add(LedgerClient.connect(ledger, node.id() + "/c" + i, node.chat()));
            }
        }
        String room = clients.get(0).createRoom("cluster room");
        for (LedgerClient c : clients.subList(1, clients.size())) {
            c.awaitEvent(f -> "room_created".equals(f.getString("type"))
                    && room.equals(f.getJsonObject("payload").getString("room")), DEADLINE);
            c.join(room, null);
        }
        return new Room(room, clients);
    }

    /** The room's {@code count} as {@code list_rooms} on {@code client}'s node answers it (-1: not listed). */
    static int listedCount(LedgerClient client, String room) {
        JsonObject reply = client.request("list_rooms", null).orTimeout(10, TimeUnit.SECONDS).join();
        for (JsonValue v : reply.getJsonObject("payload").getJsonArray("rooms")) {
            if (room.equals(v.asJsonObject().getString("room"))) {
                return v.asJsonObject().getInt("count");
            }
        }
        return -1;
    }

    /** Waits until the lobby of each client's node shows {@code count} connections in {@code room}. */
    static void awaitListedCount(Collection<LedgerClient> clients, String room, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (LedgerClient c : clients) {
            int last;
            while ((last = listedCount(c, room)) != count) {
                if (System.nanoTime() > deadline) {
                    StringBuilder all = new StringBuilder();
                    for (LedgerClient other : clients) {
                        all.append("\n  ").append(other).append(": ").append(other.isOpen()
                                ? listedCount(other, room) : "closed");
                    }
                    throw new AssertionError(c + " lists " + room + " with " + last + " connections, not " + count
                            + ", after " + timeout + "; every client's node lists:" + all);
                }
                sleep(100);
            }
        }
    }

    /** Waits until every client saw {@code seq} in {@code room}. */
    static void awaitAll(Collection<LedgerClient> clients, String room, long seq, Duration timeout) {
        for (LedgerClient c : clients) {
            c.awaitSeq(room, seq, timeout);
        }
    }

    /** The highest seq stored for {@code room}. */
    static long storedLast(Cluster cluster, String room) {
        List<Long> seqs = cluster.storedSeqs().getOrDefault(room, List.of());
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    /**
     * Posts from one client in the background, one message every {@code pause} (or as fast as the
     * socket takes them, for {@link Duration#ZERO}), until stopped or its connection is lost.
     */
    static final class Poster {
        private final LedgerClient client;
        private final String room;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ConcurrentLinkedQueue<CompletableFuture<Long>> acks = new ConcurrentLinkedQueue<>();
        private final CompletableFuture<Void> done;
        private volatile RuntimeException failure;

        Poster(LedgerClient client, String room, Duration pause, int max) {
            this.client = client;
            this.room = room;
            this.done = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= max && !stop.get() && client.isOpen(); i++) {
                    try {
                        acks.add(client.post(room, client.name() + " #" + i));
                    } catch (RuntimeException e) {
                        failure = e; // the connection went away under the send
                        return;
                    }
                    if (!pause.isZero()) {
                        sleep(pause.toMillis());
                    }
                }
            }, runnable -> {
                Thread t = new Thread(runnable, "poster-" + client.name());
                t.setDaemon(true);
                t.start();
            });
        }

        /** Stops posting and waits until the loop ended. */
        Poster stop() {
            stop.set(true);
            done.orTimeout(30, TimeUnit.SECONDS).join();
            return this;
        }

        /** Waits for every ack; fails on an error or a missing one. */
        List<Long> awaitAcks(Duration timeout) {
            List<Long> seqs = new ArrayList<>();
            for (CompletableFuture<Long> ack : acks) {
                seqs.add(ack.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join());
            }
            return seqs;
        }

        /** Waits until at least {@code count} posts were acked: the fault comes when the traffic is flowing. */
        Poster awaitAcked(int count, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acked() < count) {
                if (System.nanoTime() > deadline || done.isDone()) {
                    throw new AssertionError(this + "; wanted " + count + " acked within " + timeout);
                }
                sleep(20);
            }
            return this;
        }

        /** Waits until the loop posted its last message, then for every ack. */
        List<Long> awaitAcksAfterAll(Duration timeout) {
            done.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
            return awaitAcks(timeout);
        }

        /** How many posts got their ack so far, and how many failed. */
        int acked() {
            return (int) acks.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        }

        int sent() {
            return acks.size();
        }

        LedgerClient client() {
            return client;
        }

        /** Why the loop ended early (a send that failed), or null. */
        RuntimeException failure() {
            return failure;
        }

        @Override
        public String toString() {
            return "poster of " + client.name() + ": " + sent() + " sent, " + acked() + " acked"
                    + (failure == null ? "" : ", stopped by " + failure);
        }
    }

    /** The nicks a {@code system} payload names ({@code nick} or coalesced {@code nicks}). */
    static List<String> nicks(JsonObject systemPayload) {
        if (systemPayload.containsKey("nicks")) {
            return systemPayload.getJsonArray("nicks").getValuesAs(jakarta.json.JsonString.class).stream()
                    .map(jakarta.json.JsonString::getString).toList();
        }
        return List.of(systemPayload.getString("nick", ""));
    }

    /** A {@code system} event of {@code kind} in {@code room} naming {@code nick}. */
    static boolean isSystem(JsonObject frame, String kind, String room, String nick) {
        if (!"system".equals(frame.getString("type", ""))) {
            return false;
        }
        JsonObject p = frame.getJsonObject("payload");
        return kind.equals(p.getString("kind", "")) && room.equals(p.getString("room", "")) && nicks(p).contains(nick);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
