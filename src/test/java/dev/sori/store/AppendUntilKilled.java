package dev.sori.store;

import dev.sori.chat.Message;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The victim of {@link H2CrashDurabilityTest}: appends to {@code general} from several threads
 * on the H2 store in the given data directory and prints {@code ACK <seq>} for every append
 * acknowledged, until it is killed.
 */
public final class AppendUntilKilled {
    private AppendUntilKilled() {
    }

    public static void main(String[] args) throws InterruptedException {
        Storage storage = Storage.open(StoreSettings.h2(Path.of(args[0])));
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        for (int t = 0; t < 16; t++) {
            Thread producer = new Thread(() -> {
                while (true) {
                    Message m = storage.messages()
                            .append(Message.draft(RoomStore.GENERAL, null, "victim", "#000000", "m", null, null)).join().message();
                    synchronized (out) {
                        out.println("ACK " + m.seq());
                        out.flush();
                    }
                }
            });
            producer.setDaemon(true);
            producer.start();
        }
        new CountDownLatch(1).await();
    }
}
