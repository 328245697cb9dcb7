package dev.sori.websocket;

/**
 * Joins the parts of one incoming text message, as a partial {@code @OnMessage(String, boolean)}
 * handler receives them, and enforces the frame size limit itself while doing so.
 *
 * <p>Why not leave the limit to the container: Undertow (WildFly 39) ignores both
 * {@code @OnMessage(maxMessageSize)} and {@code Session.setMaxTextMessageBufferSize} for whole
 * text messages and buffers a text frame of any size in memory (UNDERTOW-2770), so one client
 * could exhaust the server's heap with a single frame. Partial delivery hands the text over as
 * it is read, so counting here bounds what is held. Tyrus buffers a frame up to its incoming
 * buffer size whatever the handler; for a partial handler it leaves the limit to this class
 * (seen on Payara 6: the 1009 comes from here), so every container answers alike.
 *
 * <p>One instance per connection; the container delivers one session's messages one at a time.
 */
final class TextFrameAssembler {
    /** Thrown once when a message outgrows the limit; its remaining parts are then dropped. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge(int limitBytes) {
            super("text frame over " + limitBytes + " bytes", null, false, false);
        }
    }

    private final int maxBytes;
    private final StringBuilder pending = new StringBuilder();
    private long pendingBytes;
    private boolean dropping;

    TextFrameAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Adds the next part of the message. Returns the whole message once {@code last} is true,
     * null while parts are still to come.
     *
     * @throws TooLarge when the message just went over the limit (UTF-8 bytes); the parts after
     *                  it, up to the last, return null
     */
    String add(String part, boolean last) throws TooLarge {
        if (dropping) {
            if (last) {
                dropping = false;
            }
            return null;
        }
        pendingBytes += utf8Length(part);
        if (pendingBytes > maxBytes) {
            pending.setLength(0);
            pending.trimToSize();
            pendingBytes = 0;
            dropping = !last;
            throw new TooLarge(maxBytes);
        }
        if (last && pending.length() == 0) {
            pendingBytes = 0;
            return part; // the usual case: a whole message in one part
        }
        pending.append(part);
        if (!last) {
            return null;
        }
        String whole = pending.toString();
        pending.setLength(0);
        pendingBytes = 0;
        return whole;
    }

    /** UTF-8 length of {@code s}; a surrogate pair counts 2 + 2, even when split between parts. */
    static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800 || Character.isSurrogate(c)) {
                bytes += 2;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
