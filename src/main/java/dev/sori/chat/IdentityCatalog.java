package dev.sori.chat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where identities outlive the process. {@link Identities} keeps the ones in use in memory and
 * asks the catalog only for a token it does not know. Nothing here blocks the caller.
 */
public interface IdentityCatalog {

    /** Keeps nothing: identities last as long as the process. */
    IdentityCatalog NONE = new IdentityCatalog() {
        @Override
        public CompletionStage<Optional<Saved>> findByToken(String token) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletionStage<Void> create(String id, String token, String nick, String color) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> rename(String id, String nick) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void seen(String id) {
        }

        @Override
        public void forgetUnseenSince(long epochMillis) {
        }
    };

    /** The identity {@code token} resumes, if the catalog has it. */
    CompletionStage<Optional<Saved>> findByToken(String token);

    /**
     * Stores a new identity; the token only in a form that cannot be turned back into it.
     * Completes once the identity is durable ({@link Identities} hands out the token only then);
     * a catalog may store the identities of a burst together.
     */
    CompletionStage<Void> create(String id, String token, String nick, String color);

    CompletionStage<Void> rename(String id, String nick);

    /** The identity was resumed: best effort, it keeps the identity from being forgotten. */
    void seen(String id);

    /**
     * Forgets identities not seen since {@code epochMillis} that own no room, so that one-off
     * visitors do not grow the catalog forever. Best effort.
     */
    void forgetUnseenSince(long epochMillis);

    /** An identity as the catalog keeps it. */
    record Saved(String id, String nick, String color) {
    }
}
