package dev.sori.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A PNG's chunks walked from the signature to IEND without inflating anything: IHDR first, every
 * chunk's length inside the file and its CRC right, at least one IDAT. Bytes after IEND are left
 * alone (decoders ignore them; the file is only ever served as {@code image/png} with nosniff).
 */
final class PngStructure {
    private static final long MAX_CHUNK = 0x7FFF_FFFFL;

    private PngStructure() {
    }

    static ImageHeader walk(Path file) throws MediaRefusal, IOException {
        try (FileCursor cursor = new FileCursor(file, "PNG")) {
            cursor.skip(8, null, "signature");
            int width = 0;
            int height = 0;
            boolean animated = false;
            boolean sawData = false;
            for (int index = 0; ; index++) {
                long length = cursor.u32be("chunk length");
                if (length > MAX_CHUNK) {
                    throw cursor.damaged("chunk length");
                }
                cursor.require(length + 8, "chunk");
                byte[] type = cursor.bytes(4, "chunk type");
                String name = new String(type, StandardCharsets.ISO_8859_1);
                if (!name.chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                    throw cursor.damaged("chunk type");
                }
                if (index == 0 && !name.equals("IHDR")) {
                    throw cursor.damaged("IHDR is not first");
                }
                CRC32 crc = new CRC32();
                crc.update(type);
                if (name.equals("IHDR")) {
                    if (index != 0 || length != 13) {
                        throw cursor.damaged("IHDR");
                    }
                    byte[] ihdr = cursor.bytes(13, "IHDR");
                    crc.update(ihdr);
                    long w = (ihdr[0] & 0xFFL) << 24 | (ihdr[1] & 0xFF) << 16 | (ihdr[2] & 0xFF) << 8 | ihdr[3] & 0xFF;
                    long h = (ihdr[4] & 0xFFL) << 24 | (ihdr[5] & 0xFF) << 16 | (ihdr[6] & 0xFF) << 8 | ihdr[7] & 0xFF;
                    ImageLimits.check(w, h, "image");
                    width = (int) w;
                    height = (int) h;
                } else {
                    if (name.equals("acTL") && !sawData) {
                        animated = true;
                    }
                    if (name.equals("IDAT")) {
                        sawData = true;
                    }
                    cursor.skip(length, crc, name);
                }
                if (cursor.u32be("chunk CRC") != crc.getValue()) {
                    throw cursor.damaged("CRC of " + (name.equals("IHDR") || name.equals("IDAT") || name.equals("IEND")
                            ? name : "a chunk"));
                }
                if (name.equals("IEND")) {
                    if (!sawData) {
                        throw cursor.damaged("no image data");
                    }
                    return new ImageHeader(width, height, animated);
                }
            }
        }
    }
}
