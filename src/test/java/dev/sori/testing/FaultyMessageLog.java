package dev.sori.testing;

import dev.sori.chat.ChatStorage;
import dev.sori.chat.Appended;
import dev.sori.chat.Message;
import dev.sori.chat.MessageLog;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A {@link MessageLog} with a bug for one input: a message whose text contains {@link #THROW}
 * makes {@link #append} throw, one that contains {@link #FAIL} makes its stage fail, each with
 * an {@link IllegalStateException} whose message quotes the text (as careless code does, so
 * that a test can check the log never shows it). Everything else goes to the real log.
 */
public final class FaultyMessageLog implements MessageLog {
    public static final String THROW = "[throw]";
    public static final String FAIL = "[fail]";

    private final MessageLog delegate;

    public FaultyMessageLog(MessageLog delegate) {
        this.delegate = delegate;
    }

    /** {@code storage} with its message log behind a {@code FaultyMessageLog}. */
    public static ChatStorage in(ChatStorage storage) {
        return new ChatStorage(new FaultyMessageLog(storage.messages()), storage.rooms(), storage.identities());
    }

    @Override
    public void onStored(Consumer<List<Message>> delivery) {
        delegate.onStored(delivery);
    }

    @Override
    public CompletionStage<Appended> append(Message draft) {
        if (draft.text().contains(THROW)) {
            throw new IllegalStateException("cannot store \"" + draft.text() + "\"");
        }
        if (draft.text().contains(FAIL)) {
            return CompletableFuture.failedFuture(new IllegalStateException("did not store \"" + draft.text() + "\"",
                    new IllegalArgumentException("because of \"" + draft.text() + "\"")));
        }
        return delegate.append(draft);
    }

    @Override
    public CompletionStage<List<Message>> range(String room, long after, long upTo) {
        return delegate.range(room, after, upTo);
    }

    @Override
    public CompletionStage<Message> find(String room, long seq) {
        return delegate.find(room, seq);
    }

    @Override
    public CompletionStage<Void> delete(String room, long seq) {
        return delegate.delete(room, seq);
    }

    @Override
    public CompletionStage<Recovery> recover(String room, long since, long upTo, int max) {
        return delegate.recover(room, since, upTo, max);
    }

    @Override
    public CompletionStage<List<Message>> before(String room, long before, int limit) {
        return delegate.before(room, before, limit);
    }

    @Override
    public long lastSeq(String room) {
        return delegate.lastSeq(room);
    }

    @Override
    public CompletionStage<Void> deleteRoom(String room) {
        return delegate.deleteRoom(room);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
