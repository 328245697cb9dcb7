package dev.sori.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.MutationFuzzer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link FrameHeaderGuard} against a plain reference reading of the same bytes in one
 * piece: for every input, cut into reads at places the input itself picks, the streaming guard
 * must refuse the same frame for the same reason, let through exactly the bytes before it (or the
 * start of its header, when that arrived in an earlier read), never throw and never move the
 * buffer. Seeds: {@code src/test/resources/fuzz/frame-header-guard/}.
 */
class FrameHeaderGuardFuzzTest {
    private static final long[] LIMITS = {125, 1000, 64 * 1024};

    /** The first refusal in a whole stream: where its header starts and the byte that decides it. */
    record Refusal(int headerStart, int decidedAt, FrameHeaderGuard.Violation violation) {
    }

    @Test
    void theGuardAgreesWithAReferenceReadingHoweverTheBytesAreCut() {
        new MutationFuzzer("frame-header-guard")
                .dictionary(new byte[] {(byte) 0x81, (byte) 0x85}, new byte[] {(byte) 0x81, (byte) 0xFE, 0x00, 0x7E},
                        new byte[] {(byte) 0x82, (byte) 0xFF, 0, 0, 0, 0, 0, 1, 0, 0}, new byte[] {0x01, (byte) 0x80},
                        new byte[] {(byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4},
                        new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 3, (byte) 0xE8}, new byte[] {1, 2, 3, 4})
                .run(FrameHeaderGuardFuzzTest::check);
    }

    static String check(byte[] input) {
        if (input.length < 2) {
            return "short";
        }
        long limit = LIMITS[(input[0] & 0xFF) % LIMITS.length];
        int cutSeed = input[1] & 0xFF;
        byte[] stream = java.util.Arrays.copyOfRange(input, 2, input.length);
        Refusal expected = reference(stream, limit);

        FrameHeaderGuard guard = new FrameHeaderGuard(limit);
        java.util.Random cuts = new java.util.Random(cutSeed);
        int passed = 0;
        int at = 0;
        int detectingReadStart = -1;
        while (at < stream.length && guard.violation() == null) {
            int size = cutSeed == 0 ? stream.length : 1 + cuts.nextInt(Math.max(1, cutSeed % 40));
            int end = Math.min(stream.length, at + size);
            // A buffer inside a larger array, as Grizzly's are, with a position past 0.
            ByteBuffer read = ByteBuffer.wrap(stream, at, end - at).slice();
            int clean = guard.scan(read);
            assertThat(read.position()).isZero();
            assertThat(read.limit()).isEqualTo(end - at);
            assertThat(clean).isBetween(0, end - at);
            if (guard.violation() != null) {
                detectingReadStart = at;
                assertThat(guard.scan(ByteBuffer.wrap(new byte[] {(byte) 0x81, (byte) 0x80, 0, 0, 0, 0}))).isZero();
            } else {
                assertThat(clean).isEqualTo(end - at);
            }
            passed += clean;
            at = end;
        }
        if (expected == null) {
            assertThat(guard.violation()).isNull();
            assertThat(passed).isEqualTo(stream.length);
            return "ok/" + limit;
        }
        assertThat(guard.violation()).isEqualTo(expected.violation());
        assertThat(detectingReadStart).isLessThanOrEqualTo(expected.decidedAt());
        assertThat(passed).isEqualTo(Math.max(expected.headerStart(), detectingReadStart));
        return expected.violation().reason() + "/" + limit + "/" + (expected.headerStart() == 0 ? "first" : "later");
    }

    /** RFC 6455 section 5.2, read the obvious way: the whole stream at once, frame by frame. */
    static Refusal reference(byte[] in, long limit) {
        int n = in.length;
        int i = 0;
        boolean open = false;
        long messageBytes = 0;
        while (i < n) {
            int start = i;
            int b0 = in[i] & 0xFF;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            boolean control = opcode >= 8;
            String firstByte = (b0 & 0x70) != 0 ? "reserved bits set"
                    : control && opcode > 0xA ? "reserved opcode"
                    : control && !fin ? "fragmented control frame"
                    : !control && opcode > 2 ? "reserved opcode"
                    : opcode == 0 && !open ? "continuation without a message"
                    : !control && opcode != 0 && open ? "new message while one is open" : null;
            if (firstByte != null) {
                return new Refusal(start, start, new FrameHeaderGuard.Violation(1002, firstByte));
            }
            if (n - i < 2) {
                return null;
            }
            int b1 = in[i + 1] & 0xFF;
            if ((b1 & 0x80) == 0) {
                return new Refusal(start, start + 1, new FrameHeaderGuard.Violation(1002, "unmasked client frame"));
            }
            int len7 = b1 & 0x7F;
            int ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            if (n - i < 2 + ext) {
                return null;
            }
            long length = len7 < 126 ? len7 : 0;
            for (int k = 0; k < ext; k++) {
                length = (length << 8) | (in[i + 2 + k] & 0xFF);
            }
            int decided = start + 1 + ext;
            if (length < 0) {
                return new Refusal(start, decided, new FrameHeaderGuard.Violation(1002, "payload length over 2^63"));
            }
            if (control) {
                if (length > 125) {
                    return new Refusal(start, decided, new FrameHeaderGuard.Violation(1002, "control frame over 125 bytes"));
                }
            } else {
                long total = (opcode == 0 ? messageBytes : 0) + length;
                if (total > limit) {
                    return new Refusal(start, decided, new FrameHeaderGuard.Violation(1009, "message over " + limit + " bytes"));
                }
                open = !fin;
                messageBytes = fin ? 0 : total;
            }
            long next = (long) start + 2 + ext + 4 + length;
            if (next >= n) {
                return null;
            }
            i = (int) next;
        }
        return null;
    }
}
