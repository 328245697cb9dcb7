package dev.sori.media;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Reads a file front to back for a format's structural walk: every read or skip is first checked
 * against the file's size, so a length field that points past the end is a truncated file
 * ({@link MediaRefusal#invalid}), never a read into nothing.
 */
final class FileCursor implements AutoCloseable {
    private final InputStream in;
    // Its own buffer, not a BufferedInputStream: a JPEG's scan is read a byte at a time, and
    // BufferedInputStream.read() takes a lock per byte.
    private final byte[] buffer = new byte[16 * 1024];
    private int next;
    private int filled;
    private final long size;
    private final String format;
    private long position;

    FileCursor(Path file, String format) throws IOException {
        this.in = Files.newInputStream(file);
        this.size = Files.size(file);
        this.format = format;
    }

    long position() {
        return position;
    }

    long size() {
        return size;
    }

    long remaining() {
        return size - position;
    }

    /** Refuses the file unless {@code count} more bytes are in it. */
    void require(long count, String what) throws MediaRefusal {
        if (count < 0 || count > remaining()) {
            throw truncated(what);
        }
    }

    MediaRefusal truncated(String what) {
        return MediaRefusal.invalid("the " + format + " is truncated or damaged (" + what + ")");
    }

    MediaRefusal damaged(String what) {
        return MediaRefusal.invalid("the " + format + " is damaged (" + what + ")");
    }

    int u8(String what) throws MediaRefusal, IOException {
        require(1, what);
        if (next == filled) {
            fill();
        }
        position++;
        return buffer[next++] & 0xFF;
    }

    int u16be(String what) throws MediaRefusal, IOException {
        require(2, what);
        return u8(what) << 8 | u8(what);
    }

    int u16le(String what) throws MediaRefusal, IOException {
        require(2, what);
        return u8(what) | u8(what) << 8;
    }

    int u24le(String what) throws MediaRefusal, IOException {
        require(3, what);
        return u8(what) | u8(what) << 8 | u8(what) << 16;
    }

    long u32be(String what) throws MediaRefusal, IOException {
        require(4, what);
        return (long) u16be(what) << 16 | u16be(what);
    }

    long u32le(String what) throws MediaRefusal, IOException {
        require(4, what);
        return u16le(what) | (long) u16le(what) << 16;
    }

    /** Reads {@code count} bytes (a header or a chunk name: callers keep it small). */
    byte[] bytes(int count, String what) throws MediaRefusal, IOException {
        require(count, what);
        byte[] bytes = new byte[count];
        int done = 0;
        while (done < count) {
            done += take(bytes, done, count - done);
        }
        position += count;
        return bytes;
    }

    /** Skips {@code count} bytes, feeding them to {@code crc} when it is not null. */
    void skip(long count, CRC32 crc, String what) throws MediaRefusal, IOException {
        require(count, what);
        long left = count;
        while (left > 0) {
            if (next == filled) {
                fill();
            }
            int n = (int) Math.min(filled - next, left);
            if (crc != null) {
                crc.update(buffer, next, n);
            }
            next += n;
            left -= n;
        }
        position += count;
    }

    /** Copies {@code count} bytes to {@code out}. */
    void copy(long count, OutputStream out, String what) throws MediaRefusal, IOException {
        copy(count, out, null, what);
    }

    /** Copies {@code count} bytes to {@code out}, feeding them to {@code crc} when it is not null. */
    void copy(long count, OutputStream out, CRC32 crc, String what) throws MediaRefusal, IOException {
        require(count, what);
        long left = count;
        while (left > 0) {
            if (next == filled) {
                fill();
            }
            int n = (int) Math.min(filled - next, left);
            if (crc != null) {
                crc.update(buffer, next, n);
            }
            out.write(buffer, next, n);
            next += n;
            left -= n;
        }
        position += count;
    }

    /** Moves up to {@code count} buffered bytes into {@code target}; answers how many. */
    private int take(byte[] target, int offset, int count) throws IOException {
        if (next == filled) {
            fill();
        }
        int n = Math.min(filled - next, count);
        System.arraycopy(buffer, next, target, offset, n);
        next += n;
        return n;
    }

    /** Refills the empty buffer; callers have checked the file holds the bytes they want. */
    private void fill() throws IOException {
        int n = in.read(buffer);
        if (n <= 0) {
            throw new EOFException("file shorter than its size");
        }
        next = 0;
        filled = n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
