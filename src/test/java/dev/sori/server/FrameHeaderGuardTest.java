package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameHeaderGuardTest {
    private static final int LIMIT = 64 * 1024;

    /** A client frame's bytes: header as described, masked when asked (the payload is left as given). */
    static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, long declared, int payloadBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int m = masked ? 0x80 : 0;
        if (declared < 126) {
            out.write(m | (int) declared);
        } else if (declared < 65536) {
            out.write(m | 126);
            out.write((int) (declared >>> 8));
            out.write((int) declared & 0xFF);
        } else {
            out.write(m | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(declared).array());
        }
        if (masked) {
            out.writeBytes(new byte[] {1, 2, 3, 4});
        }
        out.writeBytes(new byte[payloadBytes]);
        return out.toByteArray();
    }

    static byte[] text(boolean fin, int opcode, int bytes) {
        return frame(fin, 0, opcode, true, bytes, bytes);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private final FrameHeaderGuard guard = new FrameHeaderGuard(LIMIT);

    private int scan(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int n = guard.scan(b);
        assertThat(b.position()).isZero();
        assertThat(b.limit()).isEqualTo(bytes.length);
        return n;
    }

    @Test
    void wellFormedFramesAllPass() {
        byte[] bytes = concat(text(true, 1, 10), text(true, 1, 200), text(true, 1, LIMIT), frame(true, 0, 0x9, true, 125, 125),
                text(false, 1, 100), frame(true, 0, 0xA, true, 0, 0), text(false, 0, 100), text(true, 0, LIMIT - 200),
                frame(true, 0, 0x8, true, 2, 2));
        assertThat(scan(bytes)).isEqualTo(bytes.length);
        assertThat(guard.violation()).isNull();
    }

    /** Every split of a stream into two reads gives the same answer as one read: headers may be cut anywhere. */
    @Test
    void headersSplitAnywhereAreReadOnAcrossReads() {
        byte[] bytes = concat(text(true, 1, 300), text(false, 1, 70_000 - LIMIT), text(true, 0, LIMIT), text(true, 1, 5));
        int refusedAt = bytes.length - text(true, 1, 5).length - text(true, 0, LIMIT).length;
        for (int cut = 0; cut <= bytes.length; cut += (cut < 400 || cut > refusedAt - 20 ? 1 : 997)) {
            FrameHeaderGuard g = new FrameHeaderGuard(LIMIT);
            int first = g.scan(ByteBuffer.wrap(bytes, 0, cut));
            int second = g.violation() != null ? 0 : g.scan(ByteBuffer.wrap(bytes, cut, bytes.length - cut));
            assertThat(g.violation()).as("cut at %d", cut).isNotNull();
            assertThat(g.violation().code()).isEqualTo(1009);
            // What passes is everything before the refused header, and its start when the first read
            // ended before its length was complete (10 bytes: a 64-bit length); never its payload.
            int expected = cut > refusedAt && cut < refusedAt + 10 ? cut : refusedAt;
            assertThat(first + second).as("cut at %d", cut).isEqualTo(expected);
        }
    }

    @Test
    void anUnmaskedFrameIsRefusedAtItsSecondByte() {
        byte[] ok = text(true, 1, 10);
        byte[] bare = frame(true, 0, 1, false, 10, 10);
        assertThat(scan(concat(ok, bare))).isEqualTo(ok.length);
        assertThat(guard.violation()).isEqualTo(new FrameHeaderGuard.Violation(1002, "unmasked client frame"));
    }

    @Test
    void aHugeDeclaredLengthIsRefusedFromTheHeaderAloneWithNoPayload() {
        byte[] header = frame(true, 0, 1, true, 1L << 62, 0);
        byte[] lengthOnly = java.util.Arrays.copyOf(header, 10); // not even the mask key yet
        assertThat(scan(lengthOnly)).isZero();
        assertThat(guard.violation().code()).isEqualTo(1009);
    }

    @Test
    void aFrameOneOverTheLimitIs1009AndAFragmentedMessageOverItToo() {
        assertThat(scan(text(true, 1, LIMIT + 1))).isZero();
        assertThat(guard.violation().code()).isEqualTo(1009);

        FrameHeaderGuard fragments = new FrameHeaderGuard(LIMIT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text(false, 1, 1));
        for (int i = 0; i < LIMIT - 1; i++) {
            out.writeBytes(text(false, 0, 1));
        }
        int fine = out.size();
        out.writeBytes(text(false, 0, 1)); // byte LIMIT + 1
        byte[] all = out.toByteArray();
        assertThat(fragments.scan(ByteBuffer.wrap(all))).isEqualTo(fine);
        assertThat(fragments.violation().code()).isEqualTo(1009);
    }

    @Test
    void controlFramesInsideAFragmentedMessageDoNotCount() {
        byte[] bytes = concat(text(false, 1, LIMIT - 10), frame(true, 0, 0x9, true, 125, 125), text(true, 0, 10));
        assertThat(scan(bytes)).isEqualTo(bytes.length);
        assertThat(guard.violation()).isNull();
    }

    @ParameterizedTest(name = "opcode 0x{0}")
    @ValueSource(ints = {0x8, 0x9, 0xA})
    void aControlFrameOver125BytesOrFragmentedIs1002(int opcode) {
        assertThat(scan(frame(true, 0, opcode, true, 126, 126))).isZero();
        assertThat(guard.violation()).isEqualTo(new FrameHeaderGuard.Violation(1002, "control frame over 125 bytes"));
        FrameHeaderGuard other = new FrameHeaderGuard(LIMIT);
        assertThat(other.scan(ByteBuffer.wrap(frame(false, 0, opcode, true, 4, 4)))).isZero();
        assertThat(other.violation()).isEqualTo(new FrameHeaderGuard.Violation(1002, "fragmented control frame"));
    }

    @ParameterizedTest(name = "first byte 0x{0}")
    @ValueSource(ints = {0xC1, 0xA1, 0x91, 0x83, 0x87, 0x8B, 0x8F})
    void reservedBitsAndOpcodesAre1002(int firstByte) {
        byte[] f = text(true, 1, 3);
        f[0] = (byte) firstByte;
        assertThat(scan(f)).isZero();
        assertThat(guard.violation().code()).isEqualTo(1002);
    }

    @Test
    void fragmentsOutOfOrderAre1002() {
        assertThat(scan(text(true, 0, 3))).isZero();
        assertThat(guard.violation().reason()).isEqualTo("continuation without a message");
        FrameHeaderGuard other = new FrameHeaderGuard(LIMIT);
        byte[] open = text(false, 1, 3);
        assertThat(other.scan(ByteBuffer.wrap(concat(open, text(true, 1, 3))))).isEqualTo(open.length);
        assertThat(other.violation().reason()).isEqualTo("new message while one is open");
    }

    @Test
    void aLengthWithItsTopBitSetIs1002() {
        byte[] f = frame(true, 0, 1, true, 70_000, 0);
        f[2] = (byte) 0x80;
        assertThat(scan(f)).isZero();
        assertThat(guard.violation().code()).isEqualTo(1002);
    }

    @Test
    void afterARefusalNothingPasses() {
        scan(frame(true, 0, 1, false, 1, 1));
        assertThat(scan(text(true, 1, 3))).isZero();
    }
}
