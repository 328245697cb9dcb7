package dev.sori.store;

import dev.sori.chat.Message;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An acknowledged message survives the process being killed with SIGKILL: H2 runs with
 * {@code WRITE_DELAY=0}, so each commit reaches the file before the append completes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class H2CrashDurabilityTest {
    private final H2Backend backend = new H2Backend();

    @AfterEach
    void cleanUp() {
        backend.close();
    }

    @Test
    void everyAcknowledgedMessageIsThereAfterAKill() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process victim = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AppendUntilKilled.class.getName(), backend.dataDir().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<Long> acked = new HashSet<>();
        long maxAcked = 0;
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while (acked.size() < 3000 && System.nanoTime() < deadline && (line = lines.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    long seq = Long.parseLong(line.substring(4));
                    acked.add(seq);
                    maxAcked = Math.max(maxAcked, seq);
                }
            }
            victim.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            victim.destroyForcibly();
        }
        assertThat(acked).as("acknowledgements before the kill").hasSizeGreaterThan(100);

        try (Storage again = Storage.open(backend.settings())) {
            long last = again.messages().lastSeq(RoomStore.GENERAL);
            assertThat(last).isGreaterThanOrEqualTo(maxAcked);
            List<Message> all = again.messages().since(RoomStore.GENERAL, 0, (int) last + 1, 10).messages();
            assertThat(all).extracting(Message::seq).containsAll(acked);
            assertThat(all).hasSize((int) last); // and no gap below whatever made it
        }
    }
}
