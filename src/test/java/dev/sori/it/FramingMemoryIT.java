package dev.sori.it;

import static dev.sori.it.RawWebSocket.OP_CONTINUATION;
import static dev.sori.it.RawWebSocket.OP_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory side of the framing attacks, measured on the real jar (its own JVM, so the test's
 * allocations do not count): the server's heap after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}) before and after, and its resident set from {@code /proc}. The bounds
 * are generous on purpose: they are there to catch a server that buffers what a header claims
 * or keeps every fragment, which would cost gigabytes, not to measure a few kilobytes.
 */
class FramingMemoryIT {
    private static final Duration END_WAIT = Duration.ofSeconds(30);
    private static final long MIB = 1024 * 1024;

    private static ServerProcess server;

    @BeforeAll
    static void start() {
        server = ServerProcess.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Fifty connections, one after the other, each sending a header that claims 2^62 bytes and
     * then more than Tyrus's 128 KiB incoming buffer: each is closed from its header (1009, see
     * {@link FramingIT}), and the heap has not grown once they are gone.
     */
    @Test
    void hugeLengthHeadersDoNotGrowTheHeap() throws IOException {
        warmUp();
        long heapBefore = heapUsedAfterGc();
        long rssBefore = rss();
        byte[] chunk = new byte[200 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'h');
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            try (RawWebSocket ws = RawWebSocket.connect(server.chat(), 0)) {
                ws.readFrame(); // welcome
                try {
                    ws.writeRaw(RawWebSocket.frameBytes(true, 0, OP_TEXT, true, 1L << 62, chunk));
                } catch (IOException e) {
                    // the server may close before all of it is written; what it said is read below
                }
                codes.add(ws.awaitEnd(END_WAIT).closeCode());
            }
        }
        long heapAfter = heapUsedAfterGc();
        long rssAfter = rss();
        System.out.printf("huge-length headers x50: heap after GC %d -> %d KiB, RSS %d -> %d KiB%n",
                heapBefore / 1024, heapAfter / 1024, rssBefore / 1024, rssAfter / 1024);
        assertThat(codes).containsOnly(1009);
        assertThat(heapAfter - heapBefore).as("heap growth (bytes)").isLessThan(16 * MIB);
        assertThat(rssAfter - rssBefore).as("RSS growth (bytes)").isLessThan(128 * MIB);
        stillChats();
    }

    /**
     * Fifty connections at once each send a header that claims 2^62 bytes and 100 KiB after it,
     * and keep their sockets open: each is refused from its header (1009) and the server holds
     * none of what followed. Before the frame-header guard Tyrus kept up to its incoming buffer
     * (128 KiB) a connection until the ping timeout: 10.7 MiB for these fifty.
     */
    @Test
    void hugeLengthHeadersHoldNothingBeyondTheHeader() throws IOException {
        warmUp();
        long heapBefore = heapUsedAfterGc();
        byte[] chunk = new byte[100 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'h');
        List<RawWebSocket> open = new ArrayList<>();
        List<Integer> codes = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                RawWebSocket ws = RawWebSocket.connect(server.chat(), 0);
                open.add(ws);
                ws.readFrame(); // welcome
                try {
                    ws.writeRaw(RawWebSocket.frameBytes(true, 0, OP_TEXT, true, 1L << 62, chunk));
                } catch (IOException e) {
                    // refused before all of it was written
                }
            }
            for (RawWebSocket ws : open) {
                codes.add(ws.awaitEnd(END_WAIT).closeCode());
            }
            serverHasReadEverything();
            long heapHeld = heapUsedAfterGc();
            System.out.printf("50 huge-length frames with 100 KiB each, sockets kept open: heap after GC %d -> %d KiB%n",
                    heapBefore / 1024, heapHeld / 1024);
            assertThat(codes).containsOnly(1009);
            // 50 x 64 KiB would be 3.2 MiB: less than that means no connection holds even a frame's worth.
            assertThat(heapHeld - heapBefore).as("heap held (bytes)").isLessThan(3 * MIB);
        } finally {
            open.forEach(RawWebSocket::close);
        }
        stillChats();
    }

    /**
     * Twenty connections each hold a fragmented message open with 50,000 one-byte fragments
     * (under the 64 KiB limit, no FIN yet): what the server holds for them is bounded by the
     * limit, about 50 KB each, not by the number of fragments.
     */
    @Test
    void openFragmentedMessagesHoldNoMoreThanTheirBytes() throws IOException {
        warmUp();
        long heapBefore = heapUsedAfterGc();
        List<RawWebSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawWebSocket ws = RawWebSocket.connect(server.chat(), 0);
                open.add(ws);
                ws.readFrame(); // welcome
                assertThat(sendOneByteFragments(ws, "{\"type\":\"ping\",\"id\":\"" + i + "\",\"payload\":\"", 50_000, null))
                        .isTrue();
            }
            serverHasReadEverything();
            long heapHeld = heapUsedAfterGc();
            System.out.printf("20 open messages of 50,000 one-byte fragments: heap after GC %d -> %d KiB%n",
                    heapBefore / 1024, heapHeld / 1024);
            assertThat(heapHeld - heapBefore).as("heap held for 20 x 50,000 fragments (bytes)").isLessThan(32 * MIB);
            // They are still connections in good standing: each can finish its message.
            RawWebSocket first = open.get(0);
            first.sendFragment(OP_CONTINUATION, true, "\"}".getBytes(StandardCharsets.UTF_8));
            while (true) {
                RawWebSocket.Frame f = first.readFrame();
                if (f.opcode() == OP_TEXT && f.text().contains("\"id\":\"0\"")) {
                    assertThat(f.text()).startsWith("{\"type\":\"ack\"").contains("z".repeat(50_000));
                    break;
                }
            }
        } finally {
            open.forEach(RawWebSocket::close);
        }
        stillChats();
    }

    /**
     * Sends {@code head} as the first fragment of a text message, then {@code count} continuation
     * fragments of one byte ({@code z}) each, then {@code tail} as the final fragment (none when
     * null: the message stays open). Batched into large writes; returns false when the server
     * closed the connection before everything was written.
     */
    static boolean sendOneByteFragments(RawWebSocket ws, String head, int count, String tail) {
        byte[] one = {'z'};
        try {
            ws.writeRaw(RawWebSocket.frameBytes(false, 0, OP_TEXT, true,
                    head.getBytes(StandardCharsets.UTF_8).length, head.getBytes(StandardCharsets.UTF_8)));
            ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
            for (int i = 0; i < count; i++) {
                batch.writeBytes(RawWebSocket.frameBytes(false, 0, OP_CONTINUATION, true, 1, one));
                if (batch.size() >= 60 * 1024) {
                    ws.writeRaw(batch.toByteArray());
                    batch.reset();
                }
            }
            if (tail != null) {
                byte[] t = tail.getBytes(StandardCharsets.UTF_8);
                batch.writeBytes(RawWebSocket.frameBytes(true, 0, OP_CONTINUATION, true, t.length, t));
            }
            ws.writeRaw(batch.toByteArray());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Lets the server's workers catch up: a request on a new connection is answered after what
     * was sent before it has (on a machine with two cores) most likely been read. Then a pause.
     */
    private static void serverHasReadEverything() {
        try (TestClient probe = TestClient.connect(server.chat())) {
            probe.ack("ping", null, "probe");
        }
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void warmUp() {
        try (TestClient client = TestClient.connect(server.chat())) {
            client.ack("ping", null, "warm");
        }
    }

    private static void stillChats() {
        try (TestClient a = TestClient.connect(server.chat()); TestClient b = TestClient.connect(server.chat())) {
            a.ack("new_message", "{\"text\":\"memory ok\"}", "m");
            b.next(f -> "message".equals(f.getString("type")) && "memory ok".equals(
                    f.getJsonObject("payload").getString("text")));
        }
    }

    /** The server's used heap in bytes, right after a full GC. */
    static long heapUsedAfterGc() {
        return server.heapUsedAfterGc();
    }

    /** The server's resident set in bytes. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no VmRSS for " + server.pid());
    }
}
