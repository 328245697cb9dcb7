package dev.sori.it;

import static dev.sori.it.ItSupport.next;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "All members of a room receive its messages in seq order": several clients post at once, and
 * every client, sender or not, receives every message with seq 1..N, no gap, in the same order.
 */
class OrderIT {
    private static final int SENDERS = 3;
    private static final int LISTENERS = 2;
    private static final int PER_SENDER = 200;
    private static final int TOTAL = SENDERS * PER_SENDER;

    private RunningServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void start() {
        server = RunningServer.startWithoutRateLimit(); // each sender posts 200 as fast as it can
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        server.close();
    }

    /** One message as a client saw it. */
    record Seen(long seq, String nick, String text) {
    }

    @Test
    void concurrentSendersEveryoneSeesTheSameGaplessOrder() throws Exception {
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < SENDERS + LISTENERS; i++) {
            clients.add(server.connect());
        }
        int everyone = clients.size();
        for (TestClient c : clients) {
            c.next(ItSupport.joinWithCount(everyone));
        }
        List<TestClient> senders = clients.subList(0, SENDERS);

        // Every sender fires its messages as fast as it can, all at once.
        CompletableFuture<?>[] sending = new CompletableFuture<?>[SENDERS];
        for (int s = 0; s < SENDERS; s++) {
            TestClient sender = senders.get(s);
            int index = s;
            sending[s] = CompletableFuture.runAsync(() -> {
                for (int j = 1; j <= PER_SENDER; j++) {
                    sender.send("new_message", TestClient.quote(text(index, j)), index + ":" + j);
                }
            }, pool);
        }

        // Each client drains its frames on its own thread while the senders are still going.
        List<CompletableFuture<Result>> results = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            TestClient c = clients.get(i);
            int acksExpected = i < SENDERS ? PER_SENDER : 0;
            results.add(CompletableFuture.supplyAsync(() -> drain(c, acksExpected), pool));
        }
        CompletableFuture.allOf(sending).get(60, TimeUnit.SECONDS);

        List<Seen> reference = null;
        for (int i = 0; i < clients.size(); i++) {
            Result r = results.get(i).get(60, TimeUnit.SECONDS);
            List<Seen> seen = r.messages();
            assertThat(seen).as("messages at client %d", i).hasSize(TOTAL);
            for (int k = 0; k < TOTAL; k++) {
                assertThat(seen.get(k).seq()).as("seq of the %dth message at client %d", k + 1, i).isEqualTo(k + 1L);
            }
            if (reference == null) {
                reference = seen;
            } else {
                assertThat(seen).as("order at client %d against client 0", i).isEqualTo(reference);
            }
            // Each sender's acks: one per message, with the seq its message has everywhere.
            if (i < SENDERS) {
                assertThat(r.ackSeqById()).hasSize(PER_SENDER);
                for (int j = 1; j <= PER_SENDER; j++) {
                    long seq = r.ackSeqById().get(i + ":" + j);
                    Seen message = reference.get((int) seq - 1);
                    assertThat(message.text()).isEqualTo(text(i, j));
                    assertThat(message.nick()).isEqualTo(senders.get(i).nick());
                }
            }
        }

        // One connection's frames are handled in the order it sent them.
        for (int s = 0; s < SENDERS; s++) {
            int index = s;
            List<String> fromSender = reference.stream().map(Seen::text)
                    .filter(t -> t.startsWith("sender " + index + " ")).toList();
            List<String> expected = new ArrayList<>();
            for (int j = 1; j <= PER_SENDER; j++) {
                expected.add(text(index, j));
            }
            assertThat(fromSender).as("sender %d's messages in the room", s).isEqualTo(expected);
        }
        long switches = 0;
        for (int k = 1; k < TOTAL; k++) {
            if (!reference.get(k).nick().equals(reference.get(k - 1).nick())) {
                switches++;
            }
        }
        System.out.printf("order: %d messages from %d concurrent senders, the sender changed %d times%n",
                TOTAL, SENDERS, switches);
        for (TestClient c : clients) {
            c.close();
        }
    }

    record Result(List<Seen> messages, Map<String, Long> ackSeqById) {
    }

    private static Result drain(TestClient client, int acksExpected) {
        List<Seen> messages = new ArrayList<>(TOTAL);
        Map<String, Long> acks = new HashMap<>();
        while (messages.size() < TOTAL || acks.size() < acksExpected) {
            JsonObject f = next(client);
            switch (f.getString("type")) {
                case "message" -> {
                    JsonObject p = f.getJsonObject("payload");
                    messages.add(new Seen(p.getJsonNumber("seq").longValue(), p.getString("nick"), p.getString("text")));
                }
                case "ack" -> {
                    Long previous = acks.put(f.getString("id"), f.getJsonObject("payload").getJsonNumber("seq").longValue());
                    if (previous != null) {
                        throw new AssertionError("two acks for " + f.getString("id"));
                    }
                }
                default -> throw new AssertionError("unexpected frame " + f); // next() has skipped lobby events
            }
        }
        return new Result(messages, acks);
    }

    private static String text(int sender, int n) {
        return "sender " + sender + " message " + n;
    }
}
