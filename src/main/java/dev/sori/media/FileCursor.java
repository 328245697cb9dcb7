package dev.sori.media;

import java.io.BufferedInputStream;
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
    private final long size;
    private final String format;
    private long position;

    FileCursor(Path file, String format) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 16 * 1024);
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
        int b = in.read();
        if (b < 0) {
            throw new EOFException("file shorter than its size");
        }
        position++;
        return b;
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
        byte[] bytes = in.readNBytes(count);
        if (bytes.length != count) {
            throw new EOFException("file shorter than its size");
        }
        position += count;
        return bytes;
    }

    /** Skips {@code count} bytes, feeding them to {@code crc} when it is not null. */
    void skip(long count, CRC32 crc, String what) throws MediaRefusal, IOException {
        require(count, what);
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("file shorter than its size");
            }
            if (crc != null) {
                crc.update(buffer, 0, n);
            }
            left -= n;
        }
        position += count;
    }

    /** Copies {@code count} bytes to {@code out}. */
    void copy(long count, OutputStream out, String what) throws MediaRefusal, IOException {
        require(count, what);
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("file shorter than its size");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        position += count;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
