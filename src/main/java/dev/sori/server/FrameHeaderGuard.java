package dev.sori.server;

import java.nio.ByteBuffer;

/**
 * Reads the headers of a client's WebSocket frames as the bytes stream past, ahead of Tyrus, and
 * says where the first frame the server must refuse begins (RFC 6455, section 5).
 *
 * <p>Why not leave it to Tyrus: Tyrus reads an unmasked client frame like a masked one, and reads a
 * whole frame into its incoming buffer before it checks the size, so a header that claims 2^62
 * bytes held the connection (and what arrived) until the ping timeout, and a frame larger than the
 * buffer got 1011 "Buffer overflow." instead of 1009. Here a frame is refused from its header
 * alone, before any of its payload is read; payload bytes are only counted, never kept.
 *
 * <p>What it refuses: an unmasked frame (1002); a data frame, or a fragmented message in all,
 * over {@code maxMessageBytes} (1009); a control frame over 125 bytes or without FIN (1002);
 * reserved bits (no extension is negotiated), reserved opcodes, a 64-bit length with its top bit
 * set, a continuation with no message open and a new message while one is open (1002). Tyrus
 * refuses the last ones too; checking them here keeps the count of a fragmented message right.
 *
 * <p>One instance per connection, fed by one thread at a time; it keeps at most one header's
 * 14 bytes' worth of state.
 */
final class FrameHeaderGuard {
    /** Why a frame is refused: the close code and a reason short enough for a close frame. */
    record Violation(int code, String reason) {
    }

    static final int PROTOCOL_ERROR = 1002;
    static final int TOO_BIG = 1009;

    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final long maxMessageBytes;

    /** Header bytes read of the frame in progress (0 while in a payload or between frames). */
    private int headerRead;
    /** The header's length once its second byte is known: 2, 4 or 10, plus the 4 of the mask. */
    private int headerLength;
    private int first;
    private long length;
    /** Payload bytes of the current frame still to pass. */
    private long payloadLeft;
    /** Whether a fragmented message is open, and its bytes so far including the current frame. */
    private boolean messageOpen;
    private long messageBytes;
    private Violation violation;

    FrameHeaderGuard(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The refusal once a frame was refused; from then on nothing passes. */
    Violation violation() {
        return violation;
    }

    /**
     * Reads the bytes between the buffer's position and limit (leaving both as they are) and
     * returns how many of them may go on to the WebSocket implementation: all of them, or those
     * before the header of the first refused frame (then {@link #violation()} says why). A
     * header split across calls is read on as the next bytes come.
     */
    int scan(ByteBuffer bytes) {
        if (violation != null) {
            return 0;
        }
        int start = bytes.position();
        int end = bytes.limit();
        int i = start;
        int headerStart = start; // where the header being read began, if it began in this buffer
        while (i < end) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += (int) skip;
                continue;
            }
            if (headerRead == 0) {
                headerStart = i;
            }
            Violation refused = headerByte(bytes.get(i) & 0xFF);
            i++;
            if (refused != null) {
                violation = refused;
                // The refused frame's header may have begun in an earlier buffer, already passed on.
                return Math.max(0, headerStart - start);
            }
        }
        return end - start;
    }

    /** One more byte of the current header; a refusal as soon as the bytes so far call for one. */
    private Violation headerByte(int b) {
        int index = headerRead++;
        if (index == 0) {
            first = b;
            return checkFirstByte(b);
        }
        if (index == 1) {
            if ((b & 0x80) == 0) {
                return new Violation(PROTOCOL_ERROR, "unmasked client frame");
            }
            int len7 = b & 0x7F;
            headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
            length = len7 < 126 ? len7 : 0;
            if (len7 < 126) {
                Violation refused = checkLength();
                if (refused != null) {
                    return refused;
                }
            }
        } else if (index < headerLength - 4) {
            length = (length << 8) | b;
            if (index == headerLength - 5) {
                if (length < 0) {
                    return new Violation(PROTOCOL_ERROR, "payload length over 2^63");
                }
                Violation refused = checkLength();
                if (refused != null) {
                    return refused;
                }
            }
        }
        if (headerRead == headerLength) {
            headerRead = 0;
            payloadLeft = length;
        }
        return null;
    }

    private Violation checkFirstByte(int b) {
        if ((b & 0x70) != 0) {
            return new Violation(PROTOCOL_ERROR, "reserved bits set");
        }
        int opcode = b & 0x0F;
        if (opcode >= 0x8) {
            if (opcode > 0xA) {
                return new Violation(PROTOCOL_ERROR, "reserved opcode");
            }
            return (b & 0x80) == 0 ? new Violation(PROTOCOL_ERROR, "fragmented control frame") : null;
        }
        if (opcode > 0x2) {
            return new Violation(PROTOCOL_ERROR, "reserved opcode");
        }
        if (opcode == 0x0 && !messageOpen) {
            return new Violation(PROTOCOL_ERROR, "continuation without a message");
        }
        if (opcode != 0x0 && messageOpen) {
            return new Violation(PROTOCOL_ERROR, "new message while one is open");
        }
        return null;
    }

    /** The whole length is known: refuse an oversized frame, keep count of its message. */
    private Violation checkLength() {
        int opcode = first & 0x0F;
        boolean fin = (first & 0x80) != 0;
        if (opcode >= 0x8) {
            return length > MAX_CONTROL_PAYLOAD ? new Violation(PROTOCOL_ERROR, "control frame over 125 bytes") : null;
        }
        long total = (opcode == 0x0 ? messageBytes : 0) + length;
        if (total > maxMessageBytes) {
            return new Violation(TOO_BIG, "message over " + maxMessageBytes + " bytes");
        }
        messageOpen = !fin;
        messageBytes = fin ? 0 : total;
        return null;
    }
}
