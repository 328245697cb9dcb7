package dev.sori.server;

import java.nio.ByteBuffer;

/**
 * The frame-header guard's own cost per frame, apart from the noise of a whole server: scans a
 * buffer of typical chat frames (masked text of 60-200 bytes, as the fan-out benchmark's senders
 * send) over and over, one guard per pass as one connection would. Not a test; run it by hand:
 *
 * <pre>
 * mvn -B -q test-compile
 * java -cp target/test-classes:target/classes dev.sori.server.FrameHeaderGuardBenchmark
 * </pre>
 */
public final class FrameHeaderGuardBenchmark {
    private FrameHeaderGuardBenchmark() {
    }

    public static void main(String[] args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int frames = 0;
        for (int i = 0; out.size() < 64 * 1024; i++) {
            out.writeBytes(FrameHeaderGuardTest.text(true, 1, 60 + (i * 37) % 140));
            frames++;
        }
        byte[] bytes = out.toByteArray();
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            long passes = 0;
            long sink = 0;
            while (System.nanoTime() - start < 2_000_000_000L) {
                FrameHeaderGuard guard = new FrameHeaderGuard(64 * 1024);
                sink += guard.scan(ByteBuffer.wrap(bytes));
                passes++;
            }
            double nanos = (System.nanoTime() - start) / (double) (passes * frames);
            System.out.printf("round %d: %.1f ns per frame (%d frames of 60-200 bytes a pass, %d passes, %d)%n",
                    round, nanos, frames, passes, sink % 7);
        }
    }
}
