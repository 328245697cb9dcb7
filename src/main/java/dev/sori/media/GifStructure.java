package dev.sori.media;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A GIF's blocks walked from the logical screen to the trailer (0x3B) without decoding LZW data,
 * and copied as they are checked: every extension and image is a run of length-prefixed
 * sub-blocks, so a file cut anywhere, or anything that is not a block (an HTML page behind a
 * "GIF89a" header), fails the walk. Left out of the copy: comment extensions, XMP application
 * extensions, and whatever follows the trailer (so a GIF with a script tail is stored as the GIF
 * alone). Kept: graphic control (timing, transparency) and the loop count (NETSCAPE2.0).
 */
final class GifStructure {
    private static final int EXTENSION = 0x21;
    private static final int IMAGE = 0x2C;
    private static final int TRAILER = 0x3B;
    private static final int COMMENT = 0xFE;
    private static final int APPLICATION = 0xFF;
    private static final byte[] XMP = "XMP DataXMP".getBytes(StandardCharsets.ISO_8859_1);

    private GifStructure() {
    }

    static ImageHeader copy(Path file, OutputStream out) throws MediaRefusal, IOException {
        try (FileCursor cursor = new FileCursor(file, "GIF")) {
            cursor.copy(6, out, "header");
            byte[] screen = cursor.bytes(7, "logical screen");
            out.write(screen);
            int width = (screen[0] & 0xFF) | (screen[1] & 0xFF) << 8;
            int height = (screen[2] & 0xFF) | (screen[3] & 0xFF) << 8;
            copyColourTable(cursor, out, screen[4]);
            int frames = 0;
            while (true) {
                int block = cursor.u8("block");
                switch (block) {
                    case EXTENSION -> {
                        int label = cursor.u8("extension label");
                        if (label == COMMENT) {
                            subBlocks(cursor, OutputStream.nullOutputStream());
                            continue;
                        }
                        if (label == APPLICATION) {
                            int size = cursor.u8("application extension");
                            byte[] identifier = cursor.bytes(size, "application extension");
                            boolean xmp = java.util.Arrays.equals(identifier, XMP);
                            OutputStream target = xmp ? OutputStream.nullOutputStream() : out;
                            target.write(new byte[] {(byte) block, (byte) label, (byte) size});
                            target.write(identifier);
                            subBlocks(cursor, target);
                            continue;
                        }
                        out.write(block);
                        out.write(label);
                        subBlocks(cursor, out);
                    }
                    case IMAGE -> {
                        byte[] descriptor = cursor.bytes(9, "image descriptor");
                        out.write(block);
                        out.write(descriptor);
                        int frameWidth = (descriptor[4] & 0xFF) | (descriptor[5] & 0xFF) << 8;
                        int frameHeight = (descriptor[6] & 0xFF) | (descriptor[7] & 0xFF) << 8;
                        if (frameWidth > 0 && frameHeight > 0) {
                            ImageLimits.check(frameWidth, frameHeight, "frame");
                        }
                        copyColourTable(cursor, out, descriptor[8]);
                        int codeSize = cursor.u8("image data");
                        if (codeSize < 1 || codeSize > 11) {
                            throw cursor.damaged("LZW code size");
                        }
                        out.write(codeSize);
                        subBlocks(cursor, out);
                        if (frames++ == 0 && (width == 0 || height == 0)) {
                            // A zero logical screen: browsers show the first frame's size.
                            width = frameWidth;
                            height = frameHeight;
                        }
                    }
                    case TRAILER -> {
                        if (frames == 0) {
                            throw cursor.damaged("no image");
                        }
                        out.write(TRAILER);
                        ImageLimits.check(width, height, "image");
                        return new ImageHeader(width, height, frames > 1);
                    }
                    default -> throw cursor.damaged("not a GIF block");
                }
            }
        }
    }

    private static void copyColourTable(FileCursor cursor, OutputStream out, byte packed)
            throws MediaRefusal, IOException {
        if ((packed & 0x80) != 0) {
            cursor.copy(3L << ((packed & 7) + 1), out, "colour table");
        }
    }

    /** Copies sub-blocks up to and with the zero-length terminator. */
    private static void subBlocks(FileCursor cursor, OutputStream out) throws MediaRefusal, IOException {
        for (int size = cursor.u8("sub-block"); ; size = cursor.u8("sub-block")) {
            out.write(size);
            if (size == 0) {
                return;
            }
            cursor.copy(size, out, "sub-block");
        }
    }
}
