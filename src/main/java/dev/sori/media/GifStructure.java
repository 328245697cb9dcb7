package dev.sori.media;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A GIF's blocks walked from the logical screen to the trailer (0x3B) without decoding LZW data:
 * every extension and image is a run of length-prefixed sub-blocks, so a file cut anywhere, or
 * anything that is not a block (an HTML page behind a "GIF89a" header), fails the walk. Bytes
 * after the trailer are left alone: decoders stop there, and the file is only ever served as
 * {@code image/gif} with nosniff, so a GIF with a script tail is a GIF, never a page.
 */
final class GifStructure {
    private GifStructure() {
    }

    static ImageHeader walk(Path file) throws MediaRefusal, IOException {
        try (FileCursor cursor = new FileCursor(file, "GIF")) {
            cursor.skip(6, null, "header");
            int width = cursor.u16le("logical screen");
            int height = cursor.u16le("logical screen");
            int packed = cursor.u8("logical screen");
            cursor.skip(2, null, "logical screen");
            skipColourTable(cursor, packed);
            int frames = 0;
            while (true) {
                int block = cursor.u8("block");
                switch (block) {
                    case 0x21 -> {
                        cursor.u8("extension label");
                        skipSubBlocks(cursor);
                    }
                    case 0x2C -> {
                        cursor.skip(4, null, "image descriptor");
                        int frameWidth = cursor.u16le("image descriptor");
                        int frameHeight = cursor.u16le("image descriptor");
                        int framePacked = cursor.u8("image descriptor");
                        if (frameWidth > 0 && frameHeight > 0) {
                            ImageLimits.check(frameWidth, frameHeight, "frame");
                        }
                        skipColourTable(cursor, framePacked);
                        int codeSize = cursor.u8("image data");
                        if (codeSize < 1 || codeSize > 11) {
                            throw cursor.damaged("LZW code size");
                        }
                        skipSubBlocks(cursor);
                        if (frames++ == 0 && (width == 0 || height == 0)) {
                            // A zero logical screen: browsers show the first frame's size.
                            width = frameWidth;
                            height = frameHeight;
                        }
                    }
                    case 0x3B -> {
                        if (frames == 0) {
                            throw cursor.damaged("no image");
                        }
                        ImageLimits.check(width, height, "image");
                        return new ImageHeader(width, height, frames > 1);
                    }
                    default -> throw cursor.damaged("not a GIF block");
                }
            }
        }
    }

    private static void skipColourTable(FileCursor cursor, int packed) throws MediaRefusal, IOException {
        if ((packed & 0x80) != 0) {
            cursor.skip(3L << ((packed & 7) + 1), null, "colour table");
        }
    }

    private static void skipSubBlocks(FileCursor cursor) throws MediaRefusal, IOException {
        for (int size = cursor.u8("sub-block"); size != 0; size = cursor.u8("sub-block")) {
            cursor.skip(size, null, "sub-block");
        }
    }
}
