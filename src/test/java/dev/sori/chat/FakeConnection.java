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
    /** With {@link #writingFrames()}: the frames of each write, one list per write. */
    final List<List<String>> writes = java.util.Collections.synchronizedList(new ArrayList<>());
    private boolean hold;
    private boolean frames;
    private boolean lobbyUpdates;

    /**
     * Also records {@code room_updated}, which the lobby sends on its own schedule; tests about
     * anything else leave them out so that their timing cannot matter.
     */
    FakeConnection withLobbyUpdates() {
        lobbyUpdates = true;
        return this;
    }

    /** Takes pre-built frames ({@link #sendFrames}) instead of text. */
    FakeConnection writingFrames() {
        frames = true;
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

    @Override
    public boolean writesFrames() {
        return frames;
    }

    @Override
    public synchronized void sendFrames(java.nio.ByteBuffer buffer, SendCallback done) {
        List<String> texts = unframe(buffer.duplicate());
        if (!lobbyUpdates) {
            texts.removeIf(text -> text.startsWith("{\"type\":\"room_updated\""));
        }
        if (texts.isEmpty()) {
            done.completed(null);
            return;
        }
        sent.addAll(texts);
        writes.add(texts);
        if (hold) {
            inFlight.add(done);
        } else {
            done.completed(null);
        }
    }

    /** The texts of unmasked, final text frames back to back (RFC 6455 §5.2); fails on anything else. */
    static List<String> unframe(java.nio.ByteBuffer buffer) {
        List<String> texts = new ArrayList<>();
        while (buffer.hasRemaining()) {
            int first = buffer.get() & 0xFF;
            if (first != 0x81) {
                throw new AssertionError("not a final text frame: " + Integer.toHexString(first));
            }
            int second = buffer.get() & 0xFF;
            if ((second & 0x80) != 0) {
                throw new AssertionError("a server frame must not be masked");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = buffer.getShort() & 0xFFFF;
            } else if (length == 127) {
                length = buffer.getLong();
            }
            byte[] payload = new byte[(int) length];
            buffer.get(payload);
            texts.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
        }
        return texts;
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
