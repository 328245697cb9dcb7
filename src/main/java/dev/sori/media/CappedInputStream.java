package dev.sori.media;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code cap} + 1 bytes through, then throws {@link OverCap}: it never asks the
 * stream under it for more, so an over-limit upload is cut where the limit is, not read to its end.
 */
final class CappedInputStream extends FilterInputStream {
    /** Thrown once more than the cap arrived; an IOException so it crosses any stream-reading library. */
    static final class OverCap extends IOException {
        private static final long serialVersionUID = 1L;

        OverCap() {
            super("over the upload limit", null);
        }
    }

    private final long cap;
    private long count;

    CappedInputStream(InputStream in, long cap) {
        super(in);
        this.cap = cap;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (count > cap) {
            throw new OverCap();
        }
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, cap + 1 - count));
        if (n > 0) {
            count += n;
            if (count > cap) {
                throw new OverCap();
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
        int read = read(buffer, 0, (int) Math.min(buffer.length, n));
        return Math.max(read, 0);
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), Math.max(0, cap + 1 - count));
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether {@code failure}, or anything that caused it, is a cap being passed. */
    static boolean isOverCap(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OverCap) {
                return true;
            }
        }
        return false;
    }
}
