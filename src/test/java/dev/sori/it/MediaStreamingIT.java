package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MediaClient;
import dev.sori.testing.ServerProcess;
import dev.sori.testing.TestClient;
import dev.sori.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Uploads as streams, on server.jar: what the server holds while bodies arrive (it writes them
 * out as they come, never buffers them), what a kill in the middle leaves (nothing under a real
 * name, and a clean start), and that a slow but steady upload is not cut by the handshake deadline.
 */
class MediaStreamingIT {
    private static final long MIB = 1024 * 1024;

    /**
     * Twenty 5 MiB uploads at once, each stopped half-way: the server's heap after a full GC has
     * grown by less than 32 MiB (buffering them would hold 50 MiB), the chat goes on meanwhile on
     * the same port, and each upload is taken once it ends.
     */
    @Test
    void twentyConcurrentFiveMebibyteUploadsAreStreamedNotBuffered() throws Exception {
        try (ServerProcess server = ServerProcess.startUnlimited("--uploads-per-minute", "0");
             TestClient ada = TestClient.connect(server.chat()); TestClient bob = TestClient.connect(server.chat())) {
            MediaClient http = new MediaClient(server.page());
            assertThat(http.upload(ada.token(), TestImages.png(10, 10), "image/png").status()).isEqualTo(201); // warm
            long before = server.heapUsedAfterGc();

            byte[] big = TestImages.pngOfSize((int) (5 * MIB));
            int half = big.length / 2;
            List<MediaClient.Streaming> uploads = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    MediaClient.Streaming upload = http.stream(ada.token(), big.length, "image/png");
                    uploads.add(upload);
                    assertThat(upload.send(Arrays.copyOfRange(big, 0, half))).isTrue();
                }
                awaitIncoming(server.dataDir(), 20, half - 256 * 1024);
                long held = server.heapUsedAfterGc();
                System.out.printf("20 uploads of 5 MiB, half sent: heap after GC %d -> %d KiB%n",
                        before / 1024, held / 1024);
                assertThat(held - before).as("heap held by 20 half-sent 5 MiB uploads (bytes)").isLessThan(32 * MIB);

                ada.ack("new_message", "\"meanwhile\"", "m");
                bob.next(f -> "message".equals(f.getString("type"))
                        && "meanwhile".equals(f.getJsonObject("payload").getString("text")));

                for (MediaClient.Streaming upload : uploads) {
                    assertThat(upload.send(Arrays.copyOfRange(big, half, big.length))).isTrue();
                }
                for (MediaClient.Streaming upload : uploads) {
                    MediaClient.Answer answer = upload.answer();
                    assertThat(answer.status()).as(answer.text()).isEqualTo(201);
                    assertThat(answer.json().getInt("bytes")).isEqualTo(big.length);
                }
            } finally {
                for (MediaClient.Streaming upload : uploads) {
                    upload.close();
                }
            }
        }
    }

    /** A SIGKILL while an upload is half-way leaves no file under a real name, and the next start removes the part. */
    @Test
    void aKillDuringAnUploadLeavesNoPartialImageAndTheServerStartsClean() throws Exception {
        Path dataDir;
        byte[] big = TestImages.pngOfSize((int) (3 * MIB));
        try (ServerProcess server = ServerProcess.start(); TestClient ada = TestClient.connect(server.chat())) {
            dataDir = server.dataDir();
            MediaClient.Streaming upload = new MediaClient(server.page()).stream(ada.token(), big.length, "image/png");
            upload.send(Arrays.copyOfRange(big, 0, big.length / 2));
            awaitIncoming(dataDir, 1, big.length / 2 - 256 * 1024);
            server.close(); // SIGKILL
            upload.close();
        }
        assertThat(imagesUnder(dataDir)).as("no image under a real name").isEmpty();
        try (ServerProcess again = ServerProcess.start("--data-dir", dataDir.toString());
             TestClient ada = TestClient.connect(again.chat())) {
            try (Stream<Path> incoming = Files.list(dataDir.resolve("media").resolve("incoming"))) {
                assertThat(incoming).as("the part was removed at start").isEmpty();
            }
            MediaClient.Answer answer = new MediaClient(again.page()).upload(ada.token(), big, "image/png");
            assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            assertThat(imagesUnder(dataDir)).hasSize(1);
        }
    }

    /** An upload that takes longer than the handshake timeout, at a steady rate above the minimum, is taken. */
    @Test
    void aSlowSteadyUploadOutlastsTheHandshakeDeadline() throws Exception {
        try (ServerProcess server = ServerProcess.start("--handshake-timeout", "1", "--min-body-rate", "1024");
             TestClient ada = TestClient.connect(server.chat())) {
            byte[] png = TestImages.pngOfSize(64 * 1024);
            long started = System.nanoTime();
            try (MediaClient.Streaming upload = new MediaClient(server.page()).stream(ada.token(), png.length,
                    "image/png")) {
                for (int from = 0; from < png.length; from += 2048) {
                    assertThat(upload.send(Arrays.copyOfRange(png, from, Math.min(png.length, from + 2048)))).isTrue();
                    Thread.sleep(100); // about 20 KiB/s: 3 s in all, three handshake timeouts
                }
                MediaClient.Answer answer = upload.answer();
                assertThat(answer.status()).as(answer.text()).isEqualTo(201);
            }
            assertThat(System.nanoTime() - started).as("it did take longer than the deadline")
                    .isGreaterThan(2_000_000_000L);
        }
    }

    /** Waits until {@code count} uploads in the data directory's incoming part have {@code bytes} each. */
    private static void awaitIncoming(Path dataDir, int count, long bytes) throws Exception {
        Path incoming = dataDir.resolve("media").resolve("incoming");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            long ready;
            try (Stream<Path> files = Files.list(incoming)) {
                ready = files.filter(f -> {
                    try {
                        return Files.size(f) >= bytes;
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
            }
            if (ready >= count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(ready + " of " + count + " uploads reached " + bytes + " bytes");
            }
            Thread.sleep(50);
        }
    }

    /** The kept images: files under {@code media/} named by their 64-digit id. */
    private static List<Path> imagesUnder(Path dataDir) throws IOException {
        Path media = dataDir.resolve("media");
        if (!Files.exists(media)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(media)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("[0-9a-f]{64}")).toList();
        }
    }
}
