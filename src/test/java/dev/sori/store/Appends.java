package dev.sori.store;

import dev.sori.chat.Appended;
import dev.sori.chat.Message;
import java.util.concurrent.CompletableFuture;

/** For tests: appends a draft and completes with the stored message. */
final class Appends {
    private Appends() {
    }

    static CompletableFuture<Message> append(MessageStore store, Message draft) {
        return store.append(draft).thenApply(Appended::message);
    }
}
