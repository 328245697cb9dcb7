package dev.sori.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link Connection}. By default every send completes at once, inside
 * {@code send}; with {@link #holdSends()} sends stay in flight until {@link #completeOne()}.
 */
final class FakeConnection implements Connection {
    final List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<SendCallback> inFlight = new ArrayList<>();
    int closeCode;
    int pings;
    private boolean hold;
    private boolean lobbyUpdates;

    /**
     * Also records {@code room_updated}, which the lobby sends on its own schedule; tests about
     * anything else leave them out so that their timing cannot matter.
     */
    FakeConnection withLobbyUpdates() {
        lobbyUpdates = true;
        return this;
    }

    FakeConnection holdSends() {
        hold = true;
        return this;
    }

    @Override
    public synchronized void send(String text, SendCallback done) {
        if (!lobbyUpdates && text.startsWith("{\"type\":\"room_updated\"")) {
            done.completed(null);
            return;
        }
        sent.add(text);
        if (hold) {
            inFlight.add(done);
        } else {
            done.completed(null);
        }
    }

    void completeOne() {
        SendCallback done;
        synchronized (this) {
            done = inFlight.remove(0);
        }
        done.completed(null);
    }

    @Override
    public void ping() {
        pings++;
    }

    @Override
    public void close(int code, String reason) {
        closeCode = code;
    }
}
