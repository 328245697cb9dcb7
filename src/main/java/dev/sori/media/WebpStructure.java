package dev.sori.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A WebP's RIFF container walked without decoding, then copied without its metadata chunks.
 *
 * <p>The walk: the RIFF size is exactly the file's length
 * less 8, every chunk lies inside it, and the picture's size comes from the first image chunk's
 * header (VP8: the key frame's start code and 14-bit sizes; VP8L: the signature and 14-bit
 * sizes) or from VP8X's canvas, whose ANIM/ANMF chunks make it animated. Each ANMF frame must
 * fit in the canvas and hold a VP8 or VP8L image; a still VP8X image must be the canvas's size.
 *
 * <p>The copy leaves out the {@code EXIF} chunk (a phone's GPS, as in a JPEG) and the {@code XMP }
 * chunk, clears their flags in VP8X and shrinks the RIFF size to match. Browsers do not turn a
 * WebP by its EXIF orientation, so none is kept.
 */
final class WebpStructure {
    private static final int VP8X_ANIMATION = 0x02;
    private static final int VP8X_EXIF_AND_XMP = 0x08 | 0x04;

    private WebpStructure() {
    }

    static ImageHeader walk(Path file) throws MediaRefusal, IOException {
        try (FileCursor cursor = new FileCursor(file, "WebP")) {
            cursor.skip(4, null, "RIFF header");
            long riffSize = cursor.u32le("RIFF header");
            if (riffSize != cursor.size() - 8) {
                throw cursor.truncated("RIFF size is not the file's");
            }
            cursor.skip(4, null, "RIFF header");
            String first = fourcc(cursor);
            long firstSize = chunkSize(cursor);
            if (!first.equals("VP8X")) {
                int[] size = imageChunk(cursor, first, firstSize);
                skipRemainingChunks(cursor);
                ImageLimits.check(size[0], size[1], "image");
                return new ImageHeader(size[0], size[1], false);
            }
            if (firstSize < 10) {
                throw cursor.damaged("VP8X chunk");
            }
            int flags = cursor.u8("VP8X chunk");
            cursor.skip(3, null, "VP8X chunk");
            int canvasWidth = cursor.u24le("VP8X chunk") + 1;
            int canvasHeight = cursor.u24le("VP8X chunk") + 1;
            cursor.skip(padded(firstSize) - 10, null, "VP8X chunk");
            ImageLimits.check(canvasWidth, canvasHeight, "image");
            boolean animated = (flags & VP8X_ANIMATION) != 0;
            boolean sawAnim = false;
            int frames = 0;
            while (cursor.remaining() > 0) {
                String name = fourcc(cursor);
                long size = chunkSize(cursor);
                long end = cursor.position() + padded(size);
                if (animated && name.equals("ANIM")) {
                    sawAnim = true;
                } else if (animated && name.equals("ANMF")) {
                    if (size < 16) {
                        throw cursor.damaged("ANMF chunk");
                    }
                    long x = 2L * cursor.u24le("ANMF chunk");
                    long y = 2L * cursor.u24le("ANMF chunk");
                    int frameWidth = cursor.u24le("ANMF chunk") + 1;
                    int frameHeight = cursor.u24le("ANMF chunk") + 1;
                    cursor.skip(4, null, "ANMF chunk");
                    if (x + frameWidth > canvasWidth || y + frameHeight > canvasHeight) {
                        throw cursor.damaged("a frame outside the canvas");
                    }
                    frame(cursor, end);
                    frames++;
                } else if (!animated && (name.equals("VP8 ") || name.equals("VP8L"))) {
                    int[] image = imageChunk(cursor, name, size);
                    if (image[0] != canvasWidth || image[1] != canvasHeight) {
                        throw cursor.damaged("image and canvas sizes differ");
                    }
                    frames++;
                    continue;
                }
                cursor.skip(end - cursor.position(), null, "chunk");
            }
            if (frames == 0 || animated && !sawAnim) {
                throw cursor.damaged(animated ? "no ANIM or ANMF chunk" : "no image chunk");
            }
            return new ImageHeader(canvasWidth, canvasHeight, animated);
        }
    }

    /** Copies a file that {@link #walk} accepted, less its EXIF and XMP chunks. */
    static void copyWithoutMetadata(Path file, OutputStream out) throws MediaRefusal, IOException {
        long dropped = 0;
        try (FileCursor cursor = new FileCursor(file, "WebP")) {
            cursor.skip(12, null, "RIFF header");
            while (cursor.remaining() > 0) {
                String name = fourcc(cursor);
                long size = padded(chunkSize(cursor));
                if (isMetadata(name)) {
                    dropped += 8 + size;
                }
                cursor.skip(size, null, "chunk");
            }
        }
        try (FileCursor cursor = new FileCursor(file, "WebP")) {
            out.write(cursor.bytes(4, "RIFF header"));
            long riffSize = cursor.u32le("RIFF header") - dropped;
            out.write(new byte[] {(byte) riffSize, (byte) (riffSize >> 8), (byte) (riffSize >> 16), (byte) (riffSize >> 24)});
            out.write(cursor.bytes(4, "RIFF header"));
            while (cursor.remaining() > 0) {
                byte[] head = cursor.bytes(8, "chunk header");
                String name = new String(head, 0, 4, StandardCharsets.ISO_8859_1);
                long size = padded((head[4] & 0xFFL) | (head[5] & 0xFF) << 8 | (head[6] & 0xFF) << 16 | (head[7] & 0xFFL) << 24);
                if (isMetadata(name)) {
                    cursor.skip(size, null, "chunk");
                    continue;
                }
                out.write(head);
                if (name.equals("VP8X")) {
                    out.write(cursor.u8("VP8X chunk") & ~VP8X_EXIF_AND_XMP);
                    size--;
                }
                cursor.copy(size, out, "chunk");
            }
        }
    }

    private static boolean isMetadata(String name) {
        return name.equals("EXIF") || name.equals("XMP ");
    }

    /** The chunks inside one ANMF frame, up to {@code end}: an optional ALPH, then VP8 or VP8L. */
    private static void frame(FileCursor cursor, long end) throws MediaRefusal, IOException {
        boolean sawImage = false;
        while (cursor.position() < end) {
            String name = fourcc(cursor);
            long size = chunkSize(cursor);
            if (cursor.position() + padded(size) > end) {
                throw cursor.truncated("a chunk outside its frame");
            }
            if (!sawImage && (name.equals("VP8 ") || name.equals("VP8L"))) {
                imageChunk(cursor, name, size);
                sawImage = true;
            } else {
                cursor.skip(padded(size), null, "frame chunk");
            }
        }
        if (!sawImage) {
            throw cursor.damaged("a frame without an image");
        }
    }

    /** Reads a VP8 or VP8L chunk's header, skips the rest of it; answers {width, height}. */
    private static int[] imageChunk(FileCursor cursor, String name, long size) throws MediaRefusal, IOException {
        int[] dimensions;
        long consumed;
        if (name.equals("VP8 ")) {
            if (size < 10) {
                throw cursor.damaged("VP8 chunk");
            }
            int tag = cursor.u24le("VP8 frame header");
            int start0 = cursor.u8("VP8 frame header");
            int start1 = cursor.u8("VP8 frame header");
            int start2 = cursor.u8("VP8 frame header");
            if ((tag & 1) != 0 || start0 != 0x9D || start1 != 0x01 || start2 != 0x2A) {
                throw cursor.damaged("VP8 key frame header");
            }
            if ((tag >>> 5) > size - 10) {
                throw cursor.truncated("VP8 first partition");
            }
            dimensions = new int[] {cursor.u16le("VP8 frame header") & 0x3FFF, cursor.u16le("VP8 frame header") & 0x3FFF};
            consumed = 10;
        } else if (name.equals("VP8L")) {
            if (size < 5 || cursor.u8("VP8L header") != 0x2F) {
                throw cursor.damaged("VP8L header");
            }
            long bits = cursor.u32le("VP8L header");
            if (bits >>> 29 != 0) {
                throw cursor.damaged("VP8L version");
            }
            dimensions = new int[] {(int) (bits & 0x3FFF) + 1, (int) (bits >>> 14 & 0x3FFF) + 1};
            consumed = 5;
        } else {
            throw cursor.damaged("no VP8, VP8L or VP8X chunk first");
        }
        cursor.skip(padded(size) - consumed, null, "image chunk");
        return dimensions;
    }

    private static void skipRemainingChunks(FileCursor cursor) throws MediaRefusal, IOException {
        while (cursor.remaining() > 0) {
            fourcc(cursor);
            cursor.skip(padded(chunkSize(cursor)), null, "chunk");
        }
    }

    private static String fourcc(FileCursor cursor) throws MediaRefusal, IOException {
        return new String(cursor.bytes(4, "chunk header"), StandardCharsets.ISO_8859_1);
    }

    /** A chunk's size, refused unless the chunk (and its pad byte) lies inside the file. */
    private static long chunkSize(FileCursor cursor) throws MediaRefusal, IOException {
        long size = cursor.u32le("chunk header");
        cursor.require(padded(size), "a chunk longer than the file");
        return size;
    }

    private static long padded(long size) {
        return size + (size & 1);
    }
}
