package dev.sori.chat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A server frame serialised once, ready to be queued to any number of clients: its JSON text
 * and the complete WebSocket text frame on the wire (header and UTF-8 payload), built once per
 * broadcast so that a transport which writes frames as bytes ({@link Connection#writesFrames})
 * neither encodes nor frames it again for every recipient. {@code bytes} is the payload's UTF-8
 * size, what the outbox caps count.
 *
 * <p>A frame for many recipients ({@link #forMany}) also keeps its wire bytes in one direct
 * buffer: a socket write from a heap buffer first copies it into a temporary direct one (the
 * JDK's per-thread buffer cache), once per recipient; from {@link #view} of the shared direct
 * copy it writes at once. One copy per broadcast instead of one per delivery.
 */
public record EncodedFrame(String text, int bytes, byte[] wire, ByteBuffer shared) {

    /** A frame for one recipient. */
    public static EncodedFrame of(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return new EncodedFrame(text, payload.length, textFrame(payload), null);
    }

    /** A frame for many recipients: a room's broadcast. */
    public static EncodedFrame forMany(String text) {
        EncodedFrame one = of(text);
        ByteBuffer shared = ByteBuffer.allocateDirect(one.wire.length).put(one.wire).flip().asReadOnlyBuffer();
        return new EncodedFrame(text, one.bytes, one.wire, shared);
    }

    /** The wire bytes for one write: a view of its own, read-only, over the shared bytes. */
    public ByteBuffer view() {
        return shared != null ? shared.duplicate() : ByteBuffer.wrap(wire).asReadOnlyBuffer();
    }

    /** An unmasked, final text frame (RFC 6455 §5.2): what a server sends. */
    static byte[] textFrame(byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + n];
        frame[0] = (byte) 0x81; // FIN, opcode 1 (text)
        if (n < 126) {
            frame[1] = (byte) n;
        } else if (n <= 0xFFFF) {
            frame[1] = 126;
            frame[2] = (byte) (n >>> 8);
            frame[3] = (byte) n;
        } else {
            frame[1] = 127;
            long len = n;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, n);
        return frame;
    }
}
